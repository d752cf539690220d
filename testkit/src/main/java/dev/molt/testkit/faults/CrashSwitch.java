package dev.molt.testkit.faults;

import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutListener;

/**
 * Crashes an engine right after its {@code n}-th event ({@link RolloutEngine#shutdownNow()}): the
 * event is saved in the store (the store writes first), then nothing more happens, as if the
 * process died there. Register it as a listener while building the engine, then {@link #attach}
 * the engine. Thread-safe.
 */
public final class CrashSwitch implements RolloutListener {
  private final int afterEvents;
  private volatile RolloutEngine engine;
  private int seen;
  private volatile boolean crashed;

  private CrashSwitch(int afterEvents) {
    this.afterEvents = afterEvents;
  }

  /**
   * @param n the event after which to crash, counting from 1
   * @return a switch not yet attached
   */
  public static CrashSwitch afterEvents(int n) {
    if (n < 1) {
      throw new dev.molt.InvalidSpecException("n", "must be >= 1, was " + n);
    }
    return new CrashSwitch(n);
  }

  /** Sets the engine to crash. */
  public void attach(RolloutEngine target) {
    this.engine = target;
  }

  /** @return true once the engine was crashed */
  public boolean crashed() {
    return crashed;
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (++seen == afterEvents && engine != null) {
      crashed = true;
      engine.shutdownNow();
    }
  }
}
