/**
 * Micrometer meters for Molt: {@link dev.molt.metrics.MoltMetrics} is a rollout listener that
 * records rollouts, steps, analyses, gate verdicts, traffic and instances, and wraps a provider to
 * count its calls and errors.
 */
package dev.molt.metrics;
