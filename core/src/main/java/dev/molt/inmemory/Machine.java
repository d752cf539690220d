package dev.molt.inmemory;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.Revision;
import dev.molt.internal.Checks;
import dev.molt.spi.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One simulated instance; its state is a function of the time. Guarded by the provider. */
final class Machine {
  final String id;
  final String fleet;
  final Revision revision;
  Map<String, String> labels;
  final Optional<String> address;
  final Instant launchedAt;
  final InstanceBehavior behavior;
  private final Instant runningAt; // fixed at launch; computed once, read per observation
  private final Instant healthyAt;
  Instant drainAt;
  Instant terminatedAt;

  Machine(String id, String fleet, Revision revision, Map<String, String> labels,
      Optional<String> address, Instant launchedAt, InstanceBehavior behavior) {
    this.id = id;
    this.fleet = fleet;
    this.revision = revision;
    this.labels = Checks.copyOf(labels, "labels"); // checked once, shared by every snapshot
    this.address = address;
    this.launchedAt = launchedAt;
    this.behavior = behavior;
    this.runningAt = launchedAt.plus(behavior.launchLatency());
    this.healthyAt = runningAt.plus(behavior.timeToHealthy());
  }

  private Instant runningAt() {
    return runningAt;
  }

  private Instant healthyAt() {
    return healthyAt;
  }

  InstanceState state(Instant now) {
    if (terminatedAt != null && !now.isBefore(terminatedAt)) {
      return InstanceState.TERMINATED;
    }
    if (drainAt != null) {
      return now.isBefore(drainAt.plus(behavior.drainTime()))
          ? InstanceState.DRAINING : InstanceState.DRAINED;
    }
    if (now.isBefore(runningAt())) {
      return InstanceState.LAUNCHING;
    }
    return behavior.failure() == InstanceBehavior.Failure.LAUNCH_FAILS
        ? InstanceState.FAILED : InstanceState.RUNNING;
  }

  private Instant stateSince(InstanceState state) {
    return switch (state) {
      case TERMINATED -> terminatedAt;
      case DRAINING -> drainAt;
      case DRAINED -> drainAt.plus(behavior.drainTime());
      case LAUNCHING -> launchedAt;
      default -> runningAt();
    };
  }

  Health health(Instant now) {
    if (state(now) != InstanceState.RUNNING) {
      return Health.UNKNOWN;
    }
    if (now.isBefore(healthyAt())) {
      return Health.UNKNOWN;
    }
    return switch (behavior.failure()) {
      case NEVER_HEALTHY -> Health.UNHEALTHY;
      case TURNS_UNHEALTHY -> now.isBefore(healthyAt().plus(behavior.unhealthyAfter()))
          ? Health.HEALTHY : Health.UNHEALTHY;
      case FLAPPING -> Duration.between(healthyAt(), now).toNanos()
          / behavior.unhealthyAfter().toNanos() % 2 == 0 ? Health.HEALTHY : Health.UNHEALTHY;
      default -> Health.HEALTHY;
    };
  }

  Instance toInstance(Instant now) {
    InstanceState state = state(now);
    Optional<Instant> healthySince = health(now) == Health.HEALTHY
        ? Optional.of(healthyAt()) : Optional.empty();
    return new Instance(id, fleet, revision, address, state, launchedAt, stateSince(state),
        healthySince, labels);
  }
}
