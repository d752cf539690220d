package dev.molt.testkit.invariants;

import dev.molt.rollout.FailurePolicy;
import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The end invariants of the {@link InvariantChecker}: what the fleet and its traffic must look like
 * when a run reaches a terminal phase. An instance the engine last saw healthy that the platform
 * broke since (a flap, a loss, a saboteur, at the very end) still counts as healthy: no engine could
 * have seen it.
 */
final class EndState {
  private EndState() {}

  /**
   * Checks a terminal run.
   *
   * @param end the terminal snapshot
   * @param truth the owned instances now
   * @param capacity the spec's capacity
   * @param toNothing whether the run was rolling back with no previous revision to return to
   * @param stale whether the platform broke an instance after the engine last saw it healthy
   * @param split the router's weights now; empty without a router
   * @param stops whether the run's failure policy is {@link FailurePolicy#STOP} (a reconcile's):
   *     then FAILED is its documented end, where it stood, and not a breach
   * @return what is wrong, one line each; empty if nothing
   */
  static List<String> check(Rollout end, List<Instance> truth, int capacity, boolean toNothing,
      Predicate<Instance> stale, Map<Revision, Integer> split, boolean stops) {
    List<String> out = new ArrayList<>();
    if (stops && end.phase() == RolloutPhase.FAILED) {
      return out;
    }
    if (end.phase() == RolloutPhase.FAILED) {
      out.add("ended FAILED: " + end.reason().orElse("no reason"));
    }
    boolean success = end.phase() == RolloutPhase.SUCCEEDED;
    if (!success && (toNothing || end.from().isEmpty())) {
      // nothing to return to: the new revision is gone, whatever else ran is left as it was
      if (truth.stream().anyMatch(i -> i.revision().equals(end.to())
          || end.from().map(f -> !f.equals(i.revision())).orElse(true))) {
        out.add("ended " + end.phase() + " without a previous spec, but instances other"
            + " than the untouched previous revision remain");
      }
    } else {
      Revision expected = success ? end.to() : end.from().orElse(end.to());
      long good = truth.stream().filter(i -> i.revision().equals(expected)
          && (i.isHealthy() || stale.test(i))).count();
      if (good != capacity || truth.size() != capacity) {
        out.add("ended " + end.phase() + " with " + good + " healthy of " + expected + " and "
            + truth.size() + " in all; expected exactly " + capacity);
      }
    }
    Optional<Revision> on = success ? Optional.of(end.to())
        : toNothing ? Optional.empty() : end.from();
    boolean elsewhere = split.entrySet().stream()
        .anyMatch(e -> e.getValue() > 0 && !Optional.of(e.getKey()).equals(on));
    if (on.isPresent() && elsewhere) {
      out.add("ended " + end.phase() + " with traffic " + split + " not wholly on " + on.get());
    }
    return out;
  }
}
