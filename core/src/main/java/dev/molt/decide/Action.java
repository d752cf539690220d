package dev.molt.decide;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.gate.Analysis;
import dev.molt.rollout.Wait;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One thing a planner asks the engine to do. The run loop performs an action through {@link
 * #accept}, one {@link Handler} method per kind, so that a new kind is a compile error wherever
 * actions are performed rather than a branch some chain of type tests forgets. Not API.
 */
public sealed interface Action {

  /**
   * Performs actions, one method per kind.
   *
   * @param <R> what performing one gives
   */
  interface Handler<R> {
    /** @return the result of performing {@code a} */
    R launch(Launch a);

    /** @return the result of performing {@code a} */
    R drain(Drain a);

    /** @return the result of performing {@code a} */
    R terminate(Terminate a);

    /** @return the result of performing {@code a} */
    R setTraffic(SetTraffic a);

    /** @return the result of performing {@code a} */
    R advance(Advance a);

    /** @return the result of performing {@code a} */
    R hold(Hold a);

    /** @return the result of performing {@code a} */
    R await(Await a);

    /** @return the result of performing {@code a} */
    R analyze(Analyze a);
  }

  /**
   * @param handler performs this kind of action
   * @return what {@code handler} gave
   */
  <R> R accept(Handler<R> handler);

  /**
   * @return whether performing it changes the fleet or the step, so that the run observes again at
   *     once rather than at its next wake-up (false only for a wait that ends by itself)
   */
  default boolean observeAgain() {
    return true;
  }

  /**
   * Launch {@code count} instances of {@code spec}; held ones get traffic by split only; {@code
   * zone}, when present, is where to place them (a zonal rolling update).
   */
  record Launch(LaunchSpec spec, int count, boolean holdTraffic, Optional<String> zone)
      implements Action {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.launch(this);
    }

    /** Instances placed wherever the provider chooses. */
    public Launch(LaunchSpec spec, int count, boolean holdTraffic) {
      this(spec, count, holdTraffic, Optional.empty());
    }

    /** Instances that join traffic once ready. */
    Launch(LaunchSpec spec, int count) {
      this(spec, count, false);
    }

    /** @return a copy placed in {@code placeIn} */
    Launch inZone(String placeIn) {
      return new Launch(spec, count, holdTraffic, Optional.of(placeIn));
    }
  }

  /** Take instances out of traffic. */
  record Drain(List<Instance> instances) implements Action {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.drain(this);
    }
  }

  /**
   * Destroy instances. {@code failedNew} counts them against the replacement budget.
   */
  record Terminate(List<Instance> instances, boolean failedNew, String reason) implements Action {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.terminate(this);
    }
  }

  /**
   * Switch traffic to {@code weights} in one router call, or, without a router ({@code routed}
   * false), only record the effective split that the replica ratio gives.
   */
  record SetTraffic(Map<Revision, Integer> weights, boolean routed) implements Action {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.setTraffic(this);
    }

    /** Keeps the caller's order (it is the order of the {@code traffic:} line). */
    public SetTraffic {
      weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }
  }

  /** Move the strategy to step {@code to} (it starts now). */
  record Advance(int to, String what) implements Action {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.advance(this);
    }
  }

  /** Pause the rollout until resume() or promote(), which then move it past this step. */
  record Hold(Wait what) implements Action {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.hold(this);
    }
  }

  /** Wait, without pausing, for a wait that ends by itself (a timed pause step, a delay). */
  record Await(Wait what) implements Action {
    @Override
    public boolean observeAgain() {
      return false;
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.await(this);
    }
  }

  /** Start measuring {@code analysis} for step {@code step}; the result arrives later. */
  record Analyze(int step, Analysis analysis, Revision canary, Optional<Revision> baseline)
      implements Action {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.analyze(this);
    }
  }
}
