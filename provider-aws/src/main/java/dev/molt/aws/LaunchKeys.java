package dev.molt.aws;

import dev.molt.spi.LaunchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launch requests an Auto Scaling group has seen, kept in one tag of the group ({@link #TAG},
 * not propagated to instances), so that a launch retried with the same request key raises the
 * desired capacity once. Each entry is written <em>before</em> the capacity is raised and names the
 * capacity it raises from and to: {@code <key hash>:<from>><to>}, the newest last. A retry finding
 * its entry raises the capacity only if the group still has the {@code from} capacity (the first
 * attempt wrote the entry, then failed to raise); any other capacity means the raise happened.
 * The last entries that fit EC2 Auto Scaling's 256-character tag value are kept (ten at least): a
 * retry comes right after its attempt, never ten launches of the same group later.
 *
 * @param entries oldest first
 */
record LaunchKeys(List<Entry> entries) {
  /** The group tag holding the entries. */
  static final String TAG = "molt.dev/launch-keys";
  /** EC2 Auto Scaling's limit on a tag value. */
  static final int MAX_VALUE = 256;

  /**
   * One launch request.
   *
   * @param key 12 hex digits of the request's hash (fleet, revision, request key)
   * @param from the desired capacity before the launch
   * @param to the desired capacity the launch asks for
   */
  record Entry(String key, int from, int to) {
    @Override
    public String toString() {
      return key + ":" + from + ">" + to;
    }
  }

  LaunchKeys {
    entries = List.copyOf(entries);
  }

  /** @return the 12-hex-digit key of a launch request */
  static String keyOf(LaunchRequest request) {
    return ClientTokens.of(request).substring("molt-".length(), "molt-".length() + 12);
  }

  /** @return the entries of a tag value; malformed entries (a hand edit) are dropped */
  static LaunchKeys parse(Optional<String> value) {
    List<Entry> out = new ArrayList<>();
    for (String e : value.orElse("").trim().split("\\s+")) {
      int colon = e.indexOf(':');
      int arrow = e.indexOf('>');
      if (colon <= 0 || arrow < colon) {
        continue;
      }
      try {
        out.add(new Entry(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1, arrow)),
            Integer.parseInt(e.substring(arrow + 1))));
      } catch (NumberFormatException ignored) {
        // not ours: dropped
      }
    }
    return new LaunchKeys(out);
  }

  /** @return the entry of {@code key}, if the group has seen it */
  Optional<Entry> find(String key) {
    return entries.stream().filter(e -> e.key().equals(key)).reduce((a, b) -> b);
  }

  /** @return these entries plus {@code entry}, the oldest dropped until the value fits */
  LaunchKeys with(Entry entry) {
    List<Entry> out = new ArrayList<>(entries);
    out.add(entry);
    while (out.size() > 1 && new LaunchKeys(out).value().length() > MAX_VALUE) {
      out.remove(0);
    }
    return new LaunchKeys(out);
  }

  /** @return the tag value */
  String value() {
    return String.join(" ", entries.stream().map(Entry::toString).toList());
  }
}
