package dev.molt.benchmarks.ha;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.spi.Health;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text the engine processes and the shared platform exchange on loopback: one record per
 * line, fields separated by tabs, each field URL-encoded. The launch specs are the suite's own
 * numbered revisions ({@link #spec(int)}), known to both sides, so a request names a version and
 * never carries a spec.
 */
final class HaWire {
  /** The header naming the engine that makes a call. */
  static final String ENGINE = "X-Molt-Engine";

  private HaWire() {}

  /** @return the launch spec of version {@code n} (1, 2, ...), the same in every process */
  static LaunchSpec spec(int n) {
    char digit = Character.forDigit(n % 16, 16);
    return LaunchSpec.builder(Image.of("registry.example/ha@sha256:"
            + ("" + digit).repeat(63) + Character.forDigit(n / 16 % 16, 16), "v" + n))
        .ports(8080).healthCheck(HealthCheck.http(8080, "/health")).build();
  }

  /** @return the version whose spec has {@code revision}, searched up to {@code max} */
  static int version(Revision revision, int max) {
    for (int n = 1; n <= max; n++) {
      if (spec(n).revision().equals(revision)) {
        return n;
      }
    }
    throw new IllegalArgumentException("no ha version has revision " + revision);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  static String line(String... fields) {
    StringBuilder b = new StringBuilder();
    for (String f : fields) {
      if (b.length() > 0) {
        b.append('\t');
      }
      b.append(enc(f));
    }
    return b.append('\n').toString();
  }

  static List<String[]> records(String text) {
    List<String[]> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (l.isEmpty()) {
        continue;
      }
      String[] parts = l.split("\t", -1);
      for (int i = 0; i < parts.length; i++) {
        parts[i] = dec(parts[i]);
      }
      out.add(parts);
    }
    return out;
  }

  static String instances(List<Instance> instances) {
    StringBuilder b = new StringBuilder();
    for (Instance i : instances) {
      StringBuilder labels = new StringBuilder();
      i.labels().forEach((k, v) -> labels.append(enc(k)).append('=').append(enc(v)).append('&'));
      b.append(line(i.id(), i.fleet(), i.revision().id(), i.address().orElse(""),
          i.state().name(), i.launchedAt().toString(), i.stateSince().toString(),
          i.healthySince().map(Instant::toString).orElse(""), labels.toString()));
    }
    return b.toString();
  }

  static List<Instance> instances(String text) {
    List<Instance> out = new ArrayList<>();
    for (String[] f : records(text)) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (String kv : f[8].split("&")) {
        if (!kv.isEmpty()) {
          int eq = kv.indexOf('=');
          labels.put(dec(kv.substring(0, eq)), dec(kv.substring(eq + 1)));
        }
      }
      out.add(new Instance(f[0], f[1], Revision.of(f[2]),
          f[3].isEmpty() ? Optional.empty() : Optional.of(f[3]), InstanceState.valueOf(f[4]),
          Instant.parse(f[5]), Instant.parse(f[6]),
          f[7].isEmpty() ? Optional.empty() : Optional.of(Instant.parse(f[7])), labels));
    }
    return out;
  }

  static String health(Map<String, Health> verdicts) {
    StringBuilder b = new StringBuilder();
    verdicts.forEach((id, h) -> b.append(line(id, h.name())));
    return b.toString();
  }

  static Map<String, Health> health(String text) {
    Map<String, Health> out = new LinkedHashMap<>();
    for (String[] f : records(text)) {
      out.put(f[0], Health.valueOf(f[1]));
    }
    return out;
  }
}
