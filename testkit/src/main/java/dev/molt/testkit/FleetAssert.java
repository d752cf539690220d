package dev.molt.testkit;

import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a {@link Fleet} snapshot. Failure messages list every instance. */
public final class FleetAssert extends AbstractAssert<FleetAssert, Fleet> {

  FleetAssert(Fleet actual) {
    super(actual, FleetAssert.class);
  }

  /**
   * Fails if the fleet is empty, or if any instance does not run {@code spec}'s revision, or is
   * not healthy.
   *
   * @param spec the launch spec every instance should run
   * @return this
   */
  public FleetAssert isFullyOn(LaunchSpec spec) {
    return isFullyOn(spec.revision());
  }

  /**
   * Fails if the fleet is empty, or if any instance does not run {@code revision}, or is not
   * healthy.
   *
   * @param revision the revision every instance should run
   * @return this
   */
  public FleetAssert isFullyOn(Revision revision) {
    isNotNull();
    boolean all = !actual.instances().isEmpty() && actual.instances().stream()
        .allMatch(i -> i.revision().equals(revision) && i.isHealthy());
    if (!all) {
      failWithMessage("Expecting fleet %s to be fully on %s, every instance healthy, but it has:%n%s",
          actual.name(), revision, describe(actual));
    }
    return this;
  }

  /**
   * Fails if an instance is left failed, draining or drained, or if instances of more than one
   * revision remain: what a finished rollout must never leave behind.
   *
   * @return this
   */
  public FleetAssert hasNoOrphans() {
    isNotNull();
    boolean stray = actual.instances().stream().anyMatch(i -> i.state().isDraining()
        || i.state() == dev.molt.InstanceState.FAILED);
    if (stray || actual.revisions().size() > 1) {
      failWithMessage("Expecting fleet %s to have no orphans (failed, draining or other-revision"
          + " instances), but it has:%n%s", actual.name(), describe(actual));
    }
    return this;
  }

  /**
   * Fails if the fleet does not have exactly {@code count} live instances.
   *
   * @param count the expected number
   * @return this
   */
  public FleetAssert hasInstances(int count) {
    isNotNull();
    if (actual.instances().size() != count) {
      failWithMessage("Expecting fleet %s to have %d instances, but it has %d:%n%s",
          actual.name(), count, actual.instances().size(), describe(actual));
    }
    return this;
  }

  /**
   * Fails if the fleet does not have exactly {@code count} healthy instances of {@code revision}.
   *
   * @param revision the revision
   * @param count the expected number
   * @return this
   */
  public FleetAssert hasHealthy(Revision revision, int count) {
    isNotNull();
    if (actual.healthyCount(revision) != count) {
      failWithMessage("Expecting fleet %s to have %d healthy instances of %s, but it has %d:%n%s",
          actual.name(), count, revision, actual.healthyCount(revision), describe(actual));
    }
    return this;
  }

  static String describe(Fleet fleet) {
    if (fleet.instances().isEmpty()) {
      return "  (no instances)";
    }
    return fleet.instances().stream().map(FleetAssert::line).collect(Collectors.joining("\n"));
  }

  private static String line(Instance i) {
    return "  " + i.id() + " " + i.revision() + " " + i.state() + " since " + i.stateSince();
  }
}
