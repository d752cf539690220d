package dev.molt.engine;

import dev.molt.decide.Decision;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.Provider;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EngineContext} a {@code RolloutEngine} gives its runs: its parts, and callbacks into
 * the engine for what only it knows (launch specs, the active runs, starting a rollout).
 * Thread-safe if the callbacks are.
 */
final class DefaultEngineContext implements EngineContext {
  private static final Logger LOG = LoggerFactory.getLogger("dev.molt.engine.RolloutEngine");
  private final Provider provider;
  private final ProviderCalls calls;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Duration pollInterval;
  private final List<RolloutListener> listeners;
  private final Function<Revision, Optional<LaunchSpec>> known;
  private final Consumer<RolloutRun> finished;
  private final Function<RolloutSpec, RolloutHandle> starter;
  private final Predicate<RolloutRun> mayAct;
  private final Consumer<RolloutRun> controlsDue;

  /** The engine's parts and its callbacks: see the {@link EngineContext} methods. */
  public DefaultEngineContext(Provider provider, ProviderCalls calls, Clock clock,
      Scheduler scheduler, Duration pollInterval, List<RolloutListener> listeners,
      Function<Revision, Optional<LaunchSpec>> known, Consumer<RolloutRun> finished,
      Function<RolloutSpec, RolloutHandle> starter, Predicate<RolloutRun> mayAct,
      Consumer<RolloutRun> controlsDue) {
    this.provider = provider;
    this.calls = calls;
    this.clock = clock;
    this.scheduler = scheduler;
    this.pollInterval = pollInterval;
    this.listeners = List.copyOf(listeners);
    this.known = known;
    this.finished = finished;
    this.starter = starter;
    this.mayAct = mayAct;
    this.controlsDue = controlsDue;
  }

  @Override public Provider provider() {
    return provider;
  }

  @Override public ProviderCalls calls() {
    return calls;
  }

  @Override public Clock clock() {
    return clock;
  }

  @Override public Scheduler scheduler() {
    return scheduler;
  }

  @Override public Duration pollInterval() {
    return pollInterval;
  }

  @Override public List<RolloutListener> listeners() {
    return listeners;
  }

  @Override public Optional<LaunchSpec> knownSpec(Revision revision) {
    return known.apply(revision);
  }

  @Override public void logDecision(RolloutState state, Decision decision) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("rollout={} decision status={} step={}/{} actions={} wakeAt={}", state.id(),
          decision.status(), decision.step(), decision.totalSteps(), decision.actions().size(),
          decision.wakeAt().orElse(null));
    }
  }

  @Override public void finished(RolloutRun run) {
    finished.accept(run);
  }

  @Override public boolean mayAct(RolloutRun run) {
    return mayAct.test(run);
  }

  @Override public void controlsDue(RolloutRun run) {
    controlsDue.accept(run);
  }

  @Override public RolloutHandle start(RolloutSpec spec) {
    return starter.apply(spec);
  }
}
