package dev.molt.strategy;

/**
 * How a rollout moves a fleet from one revision to the next. A strategy is a description; the
 * engine turns it into decisions, each made from the observed fleet alone.
 */
public sealed interface Strategy permits RollingUpdate, BlueGreen, Canary {

  /** @return a short name for logs and reports, such as {@code rolling} */
  String name();

  /**
   * Checks this strategy against the fleet's desired capacity, before anything is launched.
   *
   * @param desiredCapacity the fleet's desired capacity
   * @throws dev.molt.InvalidSpecException naming the field when the combination cannot make progress
   */
  void validateFor(int desiredCapacity);
}
