package dev.molt.testkit;

import dev.molt.Fleet;
import dev.molt.rollout.Rollout;

/**
 * Entry point of Molt's AssertJ assertions. Their failure messages print the fleet, the rollout's
 * history or the recorded frames, never just "expected true".
 *
 * <pre>{@code
 * import static dev.molt.testkit.MoltAssertions.assertThat;
 *
 * assertThat(done).isRolledBack();
 * assertThat(sim.fleet("web")).isFullyOn(v1).hasNoOrphans();
 * }</pre>
 */
public final class MoltAssertions {
  private MoltAssertions() {}

  /** @return assertions on a fleet snapshot */
  public static FleetAssert assertThat(Fleet actual) {
    return new FleetAssert(actual);
  }

  /** @return assertions on a rollout snapshot */
  public static RolloutAssert assertThat(Rollout actual) {
    return new RolloutAssert(actual);
  }

  /** @return assertions on what a {@link Recording} saw during a run */
  public static RecordingAssert assertThat(Recording actual) {
    return new RecordingAssert(actual);
  }
}
