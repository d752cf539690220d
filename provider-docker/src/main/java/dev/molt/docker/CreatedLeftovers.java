package dev.molt.docker;

import dev.molt.Durations;
import dev.molt.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a container a launch left in {@code Created} (issue 18, item 2: an engine that stopped
 * between create and start, whose resumed rollout launches with new request keys and so never
 * starts it) from one being launched: {@code Created} for longer than {@link #after} (default
 * 30 s; a launch starts a container right after creating it) and not being created or started by
 * a launch of this provider now. Such a leftover is observed {@code FAILED}, so the engine removes
 * and replaces it at its next decision rather than waiting out its healthy deadline. It carries no
 * {@code molt.dev/failure}: an interrupted launch says nothing about the revision, so it must not
 * count towards "failed for the same cause". Thread-safe.
 */
final class CreatedLeftovers {
  private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);
  static final Duration DEFAULT_AFTER = Duration.ofSeconds(30);

  private final Duration after;
  private final Predicate<String> launching;
  private final Set<String> told = ConcurrentHashMap.newKeySet();

  /**
   * @param after how long a container may stay {@code Created} before it is a leftover
   * @param launching whether a launch of this provider is creating or starting a container name
   */
  CreatedLeftovers(Duration after, Predicate<String> launching) {
    this.after = after;
    this.launching = launching;
  }

  /** @return the state to report for {@code view}: FAILED for a leftover, else {@code base} */
  InstanceState state(ContainerView view, InstanceState base, Instant now) {
    if (!isLeftover(view, base, now)) {
      return base;
    }
    if (told.add(view.id())) {
      LOG.info("fleet={} container={} state=created action=report-failed reason=\"created {} ago"
          + " and never started: a launch was cut off between create and start\"",
          view.labels().get(dev.molt.OwnerLabels.FLEET), view.name(),
          Durations.text(Duration.between(view.created(), now)));
    }
    return InstanceState.FAILED;
  }

  /** @return whether {@code view} is a leftover, so that no failure detail is read for it */
  boolean isLeftover(ContainerView view, InstanceState base, Instant now) {
    return base == InstanceState.LAUNCHING && view.isCreated()
        && !now.isBefore(view.created().plus(after)) && !launching.test(view.name());
  }

  void forget(String containerId) {
    told.remove(containerId);
  }
}
