package dev.molt.engine;

import dev.molt.decide.Action;
import dev.molt.Instance;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.spi.TrafficRouter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** Performs a decision's actions in order through the provider, recording each. */
final class ActionExecutor {
  private final EngineContext engine;
  private final String fleet;
  private final String rolloutId;
  private final String keyPrefix;
  private final RolloutState state;
  private final Optional<GateRunner> gates;
  private final Runnable onAnalysisDone;
  private final BooleanSupplier mayAct;
  private long launchSequence;

  ActionExecutor(EngineContext engine, String fleet, String rolloutId, String keyPrefix,
      RolloutState state) {
    this(engine, fleet, rolloutId, keyPrefix, state, Optional.empty(), () -> { }, () -> true);
  }

  ActionExecutor(EngineContext engine, String fleet, String rolloutId, String keyPrefix,
      RolloutState state, Optional<GateRunner> gates, Runnable onAnalysisDone,
      BooleanSupplier mayAct) {
    this.engine = engine;
    this.fleet = fleet;
    this.rolloutId = rolloutId;
    this.keyPrefix = keyPrefix;
    this.state = state;
    this.gates = gates;
    this.onAnalysisDone = onAnalysisDone;
    this.mayAct = mayAct;
  }

  CompletableFuture<Void> act(List<Action> actions) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (Action action : actions) {
      chain = chain.thenCompose(ignored -> perform(action));
    }
    return chain;
  }

  private CompletableFuture<Void> perform(Action action) {
    if (!mayAct.getAsBoolean()) {
      // the run lost its lease and was halted: no further call, and nothing to report either
      return new CompletableFuture<>();
    }
    Provider provider = engine.provider();
    String resource = "fleet " + fleet;
    if (action instanceof Action.Launch launch) {
      // the key is fixed before the first attempt, so a retried launch is the same request
      LaunchRequest request = new LaunchRequest(fleet, launch.spec(), launch.count(), rolloutId,
          keyPrefix + "-" + (++launchSequence), launch.holdTraffic());
      return engine.calls().call("launch", resource, () -> provider.launch(request))
          .thenAccept(launched -> state.launched(engine.clock().instant(), request, launched));
    }
    if (action instanceof Action.Drain drain) {
      return engine.calls().call("drain", resource, () -> {
        provider.drain(fleet, drain.instances());
        return null;
      }).thenAccept(ignored -> state.draining(engine.clock().instant(), drain.instances()));
    }
    if (!(action instanceof Action.Terminate)) {
      return StepActions.perform(action, this);
    }
    Action.Terminate terminate = (Action.Terminate) action;
    List<Instance> instances = terminate.instances();
    return engine.calls().call("terminate", resource, () -> {
      provider.terminate(fleet, instances);
      return null;
    }).thenAccept(ignored -> state.terminated(engine.clock().instant(), instances,
        terminate.failedNew(), terminate.reason()));
  }

  /** The strategy-step actions: traffic, step moves, holds and analyses. */
  private static final class StepActions {
    static CompletableFuture<Void> perform(Action action, ActionExecutor x) {
      java.time.Instant now = x.engine.clock().instant();
      if (action instanceof Action.SetTraffic t) {
        Optional<TrafficRouter> router = x.engine.provider().router();
        if (!t.routed() || router.isEmpty()) {
          x.state.trafficShifted(now, t.weights(), false);
          return CompletableFuture.completedFuture(null);
        }
        return x.engine.calls().call("set-weights", "fleet " + x.fleet, () -> {
          router.get().setWeights(x.fleet, t.weights());
          return null;
        }).thenAccept(ignored -> x.state.trafficShifted(x.engine.clock().instant(), t.weights(),
            true));
      }
      if (action instanceof Action.Advance a) {
        x.state.advance(now, a.to(), a.what());
      } else if (action instanceof Action.Hold h) {
        x.state.hold(now, h.reason());
      } else if (action instanceof Action.Analyze a && x.gates.isPresent()) {
        long epoch = x.state.epoch();
        x.state.analysisStarted(now, a.step(), a.analysis().gate().name());
        x.gates.get().start(a, () -> x.state.epoch() == epoch && x.state.stepIndex() == a.step()
            && !x.state.phase().isTerminal(), result -> {
              x.state.analysisFinished(x.engine.clock().instant(), epoch, a.step(), result);
              x.onAnalysisDone.run();
            });
      }
      return CompletableFuture.completedFuture(null);
    }
  }
}
