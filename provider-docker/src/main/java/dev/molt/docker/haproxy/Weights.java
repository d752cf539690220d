package dev.molt.docker.haproxy;

import dev.molt.Revision;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns revision shares into HAProxy server weights, exactly when HAProxy's range allows.
 *
 * <p>A revision with share {@code p} and {@code n} servers must give each server a weight
 * proportional to {@code p / n}. With {@code L} the least common multiple of the server counts,
 * {@code p * L / n} is an integer for every revision; divided by their greatest common divisor,
 * these are the smallest exact weights. Example: shares 80/20, 5 servers of v1 and 1 of v2: L = 5,
 * raw weights 80 and 100, gcd 20, so v1 servers weigh 4 and the v2 server 5: 5 / (5 * 4 + 5) = 20%
 * exactly. When the exact weights do not fit in {@code max} (many servers, coprime counts), each
 * is scaled so the largest is {@code max} and rounded; a revision with a positive share never gets
 * weight 0.
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
    Map<Revision, Integer> perServer = exact(members, shares.get(), max)
        .orElseGet(() -> scaled(members, shares.get(), max));
    members.forEach((r, names) -> names.forEach(n -> out.put(n, perServer.getOrDefault(r, 0))));
    return out;
  }

  /** The smallest exact per-server weights, if they fit in {@code max}. */
  private static Optional<Map<Revision, Integer>> exact(Map<Revision, List<String>> members,
      Map<Revision, Integer> shares, int max) {
    BigInteger lcm = BigInteger.ONE;
    for (Map.Entry<Revision, List<String>> e : members.entrySet()) {
      if (shares.getOrDefault(e.getKey(), 0) > 0 && !e.getValue().isEmpty()) {
        BigInteger n = BigInteger.valueOf(e.getValue().size());
        lcm = lcm.multiply(n).divide(lcm.gcd(n));
      }
    }
    Map<Revision, BigInteger> raw = new LinkedHashMap<>();
    BigInteger gcd = BigInteger.ZERO;
    for (Map.Entry<Revision, List<String>> e : members.entrySet()) {
      int share = shares.getOrDefault(e.getKey(), 0);
      if (share > 0 && !e.getValue().isEmpty()) {
        BigInteger w = BigInteger.valueOf(share).multiply(lcm)
            .divide(BigInteger.valueOf(e.getValue().size()));
        raw.put(e.getKey(), w);
        gcd = gcd.gcd(w);
      }
    }
    Map<Revision, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<Revision, BigInteger> e : raw.entrySet()) {
      BigInteger w = e.getValue().divide(gcd);
      if (w.compareTo(BigInteger.valueOf(max)) > 0) {
        return Optional.empty();
      }
      out.put(e.getKey(), w.intValueExact());
    }
    return Optional.of(out);
  }

  /** Weights proportional to share / servers, the largest {@code max}, rounded, at least 1. */
  private static Map<Revision, Integer> scaled(Map<Revision, List<String>> members,
      Map<Revision, Integer> shares, int max) {
    double k = Double.MAX_VALUE;
    for (Map.Entry<Revision, List<String>> e : members.entrySet()) {
      int share = shares.getOrDefault(e.getKey(), 0);
      if (share > 0 && !e.getValue().isEmpty()) {
        k = Math.min(k, (double) max * e.getValue().size() / share);
      }
    }
    Map<Revision, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<Revision, List<String>> e : members.entrySet()) {
      int share = shares.getOrDefault(e.getKey(), 0);
      if (share > 0 && !e.getValue().isEmpty()) {
        out.put(e.getKey(), (int) Math.max(1, Math.min(max,
            Math.round(share * k / e.getValue().size()))));
      }
    }
    return out;
  }

}
