package dev.molt.decide;

/**
 * A pure decider: from a {@link PlanContext} to a {@link Decision}. No I/O, no clock reads, no
 * waiting. Not API.
 */
@FunctionalInterface
public interface Planner {
  /**
   * Decides the next actions.
   *
   * @param context what was observed and what is wanted
   * @return the decision
   */
  Decision decide(PlanContext context);
}
