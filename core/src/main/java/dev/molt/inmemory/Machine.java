package dev.molt.inmemory;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.Revision;
import dev.molt.Arguments;
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
  Instant outageSince; // failing its health check on request since then, until a recovery
  Instant recoveredAt; // the last such recovery
  Instant lostAt; // the platform lost it then (a host crash): FAILED from then on

  Machine(String id, String fleet, Revision revision, Map<String, String> labels,
      Optional<String> address, Instant launchedAt, InstanceBehavior behavior) {
    this.id = id;
    this.fleet = fleet;
    this.revision = revision;
    this.labels = Arguments.copyOf(labels, "labels"); // checked once, shared by every snapshot
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
    if (lostAt != null && !now.isBefore(lostAt)) {
      return InstanceState.FAILED;
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
      case FAILED -> lostAt != null ? lostAt : runningAt();
      default -> runningAt();
    };
  }

  Health health(Instant now) {
    if (!judged(now)) {
      return Health.UNKNOWN;
    }
    return streakStart(now).isPresent() ? Health.HEALTHY : Health.UNHEALTHY;
  }

  /**
   * When the current healthy streak began, if the instance is healthy now: its first healthy
   * moment, or for a flapping instance the start of the current healthy spell, or the end of the
   * last requested outage if later. Never earlier than a moment at which it was not healthy.
   */
  Optional<Instant> streakStart(Instant now) {
    if (!judged(now) || outageSince != null) {
      return Optional.empty();
    }
    return healthySpellStart(now)
        .map(s -> recoveredAt != null && recoveredAt.isAfter(s) ? recoveredAt : s);
  }

  /** Running and past its time to healthy: its health check gives a verdict. */
  private boolean judged(Instant now) {
    return state(now) == InstanceState.RUNNING && !now.isBefore(healthyAt());
  }

  private Optional<Instant> healthySpellStart(Instant now) {
    return switch (behavior.failure()) {
      case NEVER_HEALTHY, LAUNCH_FAILS -> Optional.empty();
      case TURNS_UNHEALTHY -> now.isBefore(healthyAt().plus(behavior.unhealthyAfter()))
          ? Optional.of(healthyAt()) : Optional.empty();
      case FLAPPING -> {
        Duration spell = behavior.unhealthyAfter();
        long spells = Duration.between(healthyAt(), now).toNanos() / spell.toNanos();
        yield spells % 2 == 0 ? Optional.of(healthyAt().plus(spell.multipliedBy(spells)))
            : Optional.empty(); // even spells are the healthy ones
      }
      case NONE -> Optional.of(healthyAt());
    };
  }

  Instance toInstance(Instant now) {
    InstanceState state = state(now);
    return new Instance(id, fleet, revision, address, state, launchedAt, stateSince(state),
        streakStart(now), labels);
  }
}
