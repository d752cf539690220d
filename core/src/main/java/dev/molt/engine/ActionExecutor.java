package dev.molt.engine;

import dev.molt.decide.Action;
import dev.molt.Instance;
import dev.molt.spi.LaunchRequest;
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
    return action.accept(performer);
  }

  private final Action.Handler<CompletableFuture<Void>> performer = new Performer();

  /** One provider call (or state change) per kind of action, each recorded in the state. */
  private final class Performer implements Action.Handler<CompletableFuture<Void>> {
    private final CompletableFuture<Void> done = CompletableFuture.completedFuture(null);

    private String resource() {
      return "fleet " + fleet;
    }

    @Override
    public CompletableFuture<Void> launch(Action.Launch launch) {
      // the key is fixed before the first attempt, so a retried launch is the same request
      LaunchRequest request = new LaunchRequest(fleet, launch.spec(), launch.count(), rolloutId,
          keyPrefix + "-" + (++launchSequence), launch.holdTraffic(), launch.zone());
      return engine.calls().call("launch", resource(), mayAct,
              () -> engine.provider().launch(request))
          .thenAccept(launched -> state.launched(engine.clock().instant(), request));
    }

    @Override
    public CompletableFuture<Void> drain(Action.Drain drain) {
      return engine.calls().call("drain", resource(), mayAct, () -> {
        engine.provider().drain(fleet, drain.instances());
        return null;
      }).thenAccept(ignored -> state.draining(engine.clock().instant(), drain.instances()));
    }

    @Override
    public CompletableFuture<Void> terminate(Action.Terminate terminate) {
      List<Instance> instances = terminate.instances();
      return engine.calls().call("terminate", resource(), mayAct, () -> {
        engine.provider().terminate(fleet, instances);
        return null;
      }).thenAccept(ignored -> state.terminated(engine.clock().instant(), instances,
          terminate.failedNew(), terminate.reason()));
    }

    @Override
    public CompletableFuture<Void> setTraffic(Action.SetTraffic t) {
      Optional<TrafficRouter> router = engine.provider().router();
      if (!t.routed() || router.isEmpty()) {
        state.trafficShifted(engine.clock().instant(), t.weights(), false);
        return done;
      }
      return engine.calls().call("set-weights", resource(), mayAct, () -> {
        router.get().setWeights(fleet, t.weights());
        return null;
      }).thenAccept(ignored -> state.trafficShifted(engine.clock().instant(), t.weights(), true));
    }

    @Override
    public CompletableFuture<Void> advance(Action.Advance a) {
      state.advance(engine.clock().instant(), a.to(), a.what());
      return done;
    }

    @Override
    public CompletableFuture<Void> hold(Action.Hold h) {
      state.hold(engine.clock().instant(), h.what());
      return done;
    }

    @Override
    public CompletableFuture<Void> await(Action.Await a) {
      state.await(engine.clock().instant(), a.what());
      return done;
    }

    @Override
    public CompletableFuture<Void> analyze(Action.Analyze a) {
      if (gates.isEmpty()) {
        return done;
      }
      long epoch = state.epoch();
      state.analysisStarted(engine.clock().instant(), a.step(), a.analysis().gate().name());
      String gate = a.analysis().gate().name();
      gates.get().start(a, () -> state.epoch() == epoch && state.stepIndex() == a.step()
          && !state.phase().isTerminal(), (number, m) -> state.measured(engine.clock().instant(),
              epoch, a.step(), gate, number, m), result -> {
            state.analysisFinished(engine.clock().instant(), epoch, a.step(), result);
            onAnalysisDone.run();
          });
      return done;
    }
  }
}
