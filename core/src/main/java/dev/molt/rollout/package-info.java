/**
 * What a rollout is, seen from outside: the {@link dev.molt.rollout.RolloutSpec} that asks for one
 * (fleet, capacity, target revision, strategy, deadlines and {@link
 * dev.molt.rollout.FailurePolicy}), the immutable {@link dev.molt.rollout.Rollout} snapshot with its
 * {@link dev.molt.rollout.RolloutPhase} and history of {@link dev.molt.rollout.RolloutEvent}s, and
 * the exceptions a caller meets ({@link dev.molt.rollout.RolloutFailedException}, {@link
 * dev.molt.rollout.IllegalControlException}). The engine that runs specs is in {@code
 * dev.molt.engine}; this package depends only on the model, the strategies and the gates.
 */
package dev.molt.rollout;
