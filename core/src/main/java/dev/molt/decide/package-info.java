/**
 * The deciders: pure functions from what was observed to what to do next. Not API — this package
 * is not exported from the {@code dev.molt.core} module, and its types may change in any release;
 * strategies are configured through {@code dev.molt.strategy} and run by {@code dev.molt.engine}.
 *
 * <p>The contract every decider here keeps:
 *
 * <ul>
 *   <li><b>Input</b>: a {@link dev.molt.decide.PlanContext} — the observed {@link dev.molt.Fleet},
 *       the target revision and capacity, the time of the observation, the step state of a
 *       step-wise strategy ({@link dev.molt.decide.StepState}) and, for reconcile, since when each
 *       instance has been seen unhealthy.
 *   <li><b>Output</b>: a {@link dev.molt.decide.Decision} — the {@link dev.molt.decide.Action}s to
 *       take in order, a status (go on, done, failed), the progress made and the earliest instant
 *       worth deciding again.
 *   <li><b>Nothing else</b>: no I/O, no clock reads (the time is in the input), no mutable state
 *       kept between calls (memory such as "dark since" or "unhealthy since" is kept by the run
 *       loop in {@code dev.molt.engine} and passed back in), no logging. The same input gives the
 *       same decision, so every planner is tested as a table of worked examples.
 * </ul>
 *
 * <p>This package imports only the model ({@code dev.molt}), {@code dev.molt.strategy}, {@code
 * dev.molt.gate} (verdicts and analyses, as data) and {@code dev.molt.reconcile} (findings);
 * never the engine, the stores, the SPI or the in-memory platform.
 */
package dev.molt.decide;
