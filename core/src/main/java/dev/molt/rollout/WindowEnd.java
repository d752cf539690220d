package dev.molt.rollout;

/**
 * What a rollout that started inside one of its {@link DeploymentWindows} does when that window
 * ends (or a freeze begins) before it is done.
 */
public enum WindowEnd {
  /**
   * Keeps going: once started inside a window, the rollout runs to its end (the default, and what
   * every rollout did before windows existed). A rollout paused by a person and resumed outside its
   * windows is not started again outside one: it waits for the next window.
   */
  FINISH,
  /**
   * Stops between steps: from the window's end no launch, no traffic change and no terminate of an
   * instance it had not already started draining (drains already begun still end, so nothing is
   * left half-done; every instance keeps its owner labels). The rollout waits, phase unchanged,
   * with a {@link Wait.Reason#OUTSIDE_WINDOW} wait, and goes on by itself when the next window
   * opens. A rollback is never held.
   */
  PAUSE
}
