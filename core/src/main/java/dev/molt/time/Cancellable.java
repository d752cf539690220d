package dev.molt.time;

/** Something scheduled or subscribed that can be called off. Cancelling twice is harmless. */
@FunctionalInterface
public interface Cancellable {
  /** Calls it off; a task that already ran is unaffected. */
  void cancel();

  /** @return a Cancellable that does nothing */
  static Cancellable none() {
    return () -> {};
  }
}
