/**
 * The timeline picture of a rollout: {@link
 * dev.molt.timeline.Timeline#of(dev.molt.rollout.Rollout)} (or of a stored {@link dev.molt.store.RolloutRecord}), then {@code svg()} or {@code html()}.
 * Hand-written SVG from the rollout's recorded events; depends on Molt's core only. See
 * docs/timeline.md.
 */
package dev.molt.timeline;
