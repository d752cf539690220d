/**
 * Molt's value types: {@link dev.molt.Image}, {@link dev.molt.LaunchSpec} and its {@link
 * dev.molt.Revision}, {@link dev.molt.Instance}, {@link dev.molt.Fleet}, {@link
 * dev.molt.rollout.RolloutSpec} and {@link dev.molt.rollout.Rollout}. All are immutable records validated on
 * construction; none accepts or returns null.
 */
package dev.molt;

