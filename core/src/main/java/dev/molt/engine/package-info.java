/**
 * The rollout engine: {@link dev.molt.engine.RolloutEngine} runs rollouts, {@link
 * dev.molt.engine.RolloutHandle} steers one, {@link dev.molt.engine.RolloutListener} hears every
 * event.
 */
package dev.molt.engine;
