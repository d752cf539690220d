package dev.molt.internal;

import dev.molt.Instance;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Performs a decision's actions in order through the provider, recording each. Not API. */
final class ActionExecutor {
  private final EngineContext engine;
  private final String fleet;
  private final String rolloutId;
  private final String keyPrefix;
  private final RolloutState state;
  private long launchSequence;

  ActionExecutor(EngineContext engine, String fleet, String rolloutId, String keyPrefix,
      RolloutState state) {
    this.engine = engine;
    this.fleet = fleet;
    this.rolloutId = rolloutId;
    this.keyPrefix = keyPrefix;
    this.state = state;
  }

  CompletableFuture<Void> act(List<Action> actions) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (Action action : actions) {
      chain = chain.thenCompose(ignored -> perform(action));
    }
    return chain;
  }

  private CompletableFuture<Void> perform(Action action) {
    Provider provider = engine.provider();
    String resource = "fleet " + fleet;
    if (action instanceof Action.Launch launch) {
      // the key is fixed before the first attempt, so a retried launch is the same request
      LaunchRequest request = new LaunchRequest(fleet, launch.spec(), launch.count(), rolloutId,
          keyPrefix + "-" + (++launchSequence));
      return engine.calls().call("launch", resource, () -> provider.launch(request))
          .thenAccept(launched -> state.launched(engine.clock().instant(), request, launched));
    }
    if (action instanceof Action.Drain drain) {
      return engine.calls().call("drain", resource, () -> {
        provider.drain(fleet, drain.instances());
        return null;
      }).thenAccept(ignored -> state.draining(engine.clock().instant(), drain.instances()));
    }
    Action.Terminate terminate = (Action.Terminate) action;
    List<Instance> instances = terminate.instances();
    return engine.calls().call("terminate", resource, () -> {
      provider.terminate(fleet, instances);
      return null;
    }).thenAccept(ignored -> state.terminated(engine.clock().instant(), instances,
        terminate.failedNew(), terminate.reason()));
  }
}
