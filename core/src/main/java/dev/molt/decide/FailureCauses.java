package dev.molt.decide;

import dev.molt.Durations;
import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * When failed new instances failed "for the same cause", and what a cause is. The one place that
 * turns a provider's words on a failure ({@link OwnerLabels#FAILURE}) into a key two failures can
 * be compared by: the instance's own id, timestamps, container/instance ids (long hex runs, UUIDs),
 * IP addresses and ports become placeholders, and white space is collapsed, so two containers
 * that exited with the same code and logged the same lines at other times, on other ports, have
 * the same cause.
 *
 * <p>The rule ({@link #sameCause}): once {@code max(1, maxReplacements)} new instances of the
 * revision have failed for the same known cause (those replaced so far plus those failed now),
 * the rollout fails at once, without launching another replacement: a revision that crashes or
 * never listens the same way every time gains nothing from being tried again. Failures with
 * different causes, or without a known cause, keep the replacement budget's rule. Worked example,
 * {@code maxReplacements 2}: at surge 1, the first never-listening instance fails at its deadline
 * and is replaced, the second fails the same way and the rollout fails (2 deadlines, not 3); at
 * surge 2, both fail at the same deadline and the rollout fails then (1 deadline, not 2). Not API.
 */
public final class FailureCauses {
  private static final List<Map.Entry<Pattern, String>> MASKS = List.of(
      Map.entry(Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}([.,]\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?"),
          "<time>"),
      Map.entry(Pattern.compile("\\b\\d{1,2}:\\d{2}:\\d{2}([.,]\\d+)?\\b"), "<time>"),
      Map.entry(Pattern.compile(
          "(?i)\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b"), "<id>"),
      Map.entry(Pattern.compile("\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?"), "<addr>"),
      Map.entry(Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d{1,5})?\\b"), "<addr>"),
      Map.entry(Pattern.compile("(?i)\\b(?=[0-9a-f]*\\d)[0-9a-f]{8,}\\b"), "<id>"),
      Map.entry(Pattern.compile(":\\d{2,5}\\b"), ":<port>"),
      Map.entry(Pattern.compile("(?i)\\bport \\d{2,5}\\b"), "port <port>"),
      Map.entry(Pattern.compile("\\s+"), " "));

  private FailureCauses() {}

  /**
   * @param instance a failed instance
   * @return the provider's words on why it failed, when it said any
   */
  public static Optional<String> detail(Instance instance) {
    String c = instance.labels().get(OwnerLabels.FAILURE);
    return c == null || c.isBlank() ? Optional.empty() : Optional.of(c.strip());
  }

  /**
   * @param instance a failed instance
   * @return the key its cause compares by ({@link #normalise}), when its provider said why
   */
  public static Optional<String> key(Instance instance) {
    return detail(instance).map(d -> normalise(d.replace(instance.id(), "<instance>")));
  }

  /**
   * @param detail a provider's words on a failure
   * @return them with what differs between equal causes (times, ids, addresses, ports) masked
   */
  public static String normalise(String detail) {
    String out = detail;
    for (Map.Entry<Pattern, String> m : MASKS) {
      out = m.getKey().matcher(out).replaceAll(m.getValue());
    }
    return out.strip();
  }

  /**
   * @param prior keys of the causes of the revision's failed new instances replaced so far, with
   *     their counts
   * @param failed the new instances failed now
   * @return {@code prior} plus the causes of {@code failed}
   */
  public static Map<String, Integer> plus(Map<String, Integer> prior, List<Instance> failed) {
    Map<String, Integer> out = new LinkedHashMap<>(prior);
    for (Instance i : failed) {
      key(i).ifPresent(k -> out.merge(k, 1, Integer::sum));
    }
    return out;
  }

  /**
   * The same-cause rule (see the class comment).
   *
   * @param prior causes of the failed new instances replaced so far ({@link PlanContext})
   * @param failed new instances failed now
   * @param maxReplacements the replacement budget
   * @param target the revision
   * @param deadline the healthy deadline, for the reason
   * @return the rollout's failure reason when the rule fails it now
   */
  static Optional<String> sameCause(Map<String, Integer> prior, List<Instance> failed,
      int maxReplacements, Revision target, Duration deadline) {
    if (failed.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Integer> counts = plus(prior, failed);
    int limit = Math.max(1, maxReplacements);
    for (Instance i : failed) {
      Optional<String> k = key(i);
      if (k.isPresent() && counts.get(k.get()) >= limit) {
        int n = counts.get(k.get());
        return Optional.of(n + (n == 1 ? " instance" : " instances") + " of " + target
            + " failed for the same cause within " + Durations.text(deadline) + " of launch"
            + " (replacement budget " + maxReplacements + "): " + detail(i).orElseThrow());
      }
    }
    return Optional.empty();
  }
}
