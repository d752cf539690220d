package dev.molt.docker.haproxy;

import dev.molt.Revision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns revision shares into HAProxy server weights. A revision with share {@code p} and {@code n}
 * servers gives each server {@code p * k / n}, with {@code k} as large as lets the largest weight
 * fit in {@code max}; a revision with a positive share never gets weight 0.
 *
 * <p>Example: shares 80/20, 4 servers of v1 and 1 of v2: k = 256 * min(4/80, 1/20) = 12.8, so v1
 * servers get 256 each (sum 1024) and the v2 server 256: 1024/1280 = 80%.
 */
final class Weights {
  private Weights() {}

  static Map<String, Integer> spread(Map<Revision, List<String>> members,
      Optional<Map<Revision, Integer>> shares, int equal, int max) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (shares.isEmpty()) {
      members.values().forEach(names -> names.forEach(n -> out.put(n, equal)));
      return out;
    }
    double k = Double.MAX_VALUE;
    for (Map.Entry<Revision, List<String>> e : members.entrySet()) {
      int share = shares.get().getOrDefault(e.getKey(), 0);
      if (share > 0) {
        k = Math.min(k, (double) max * e.getValue().size() / share);
      }
    }
    for (Map.Entry<Revision, List<String>> e : members.entrySet()) {
      int share = shares.get().getOrDefault(e.getKey(), 0);
      int weight = share == 0 ? 0
          : (int) Math.max(1, Math.min(max, Math.round(share * k / e.getValue().size())));
      e.getValue().forEach(n -> out.put(n, weight));
    }
    return out;
  }
}
