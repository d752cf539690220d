package dev.molt.internal;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import java.util.List;

/** One thing a planner asks the engine to do. Not API. */
public sealed interface Action {

  /** Launch {@code count} instances of {@code spec}. */
  record Launch(LaunchSpec spec, int count) implements Action {}

  /** Take instances out of traffic. */
  record Drain(List<Instance> instances) implements Action {}

  /**
   * Destroy instances. {@code failedNew} counts them against the replacement budget.
   */
  record Terminate(List<Instance> instances, boolean failedNew, String reason) implements Action {}

}
