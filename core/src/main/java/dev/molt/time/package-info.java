/**
 * Injected time: a {@link dev.molt.time.Scheduler} for delays and {@link
 * dev.molt.time.VirtualTime}, a clock and scheduler driven by a test or simulation.
 */
package dev.molt.time;
