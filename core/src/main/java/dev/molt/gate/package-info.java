/**
 * Gates: measurements that decide whether a rollout may go on. A {@link dev.molt.gate.Gate} makes
 * one measurement; an {@link dev.molt.gate.Analysis} measures it a number of times at an interval
 * and turns the measurements into a {@link dev.molt.gate.Verdict} under failure, inconclusive and
 * error limits, and can extend its bake while evidence is short. Built-in gates: {@link
 * dev.molt.gate.HealthyShare}, {@link dev.molt.gate.HttpProbe}, {@link
 * dev.molt.gate.MetricComparison} (an evidence floor, then the Hodges–Lehmann effect and a
 * Mann–Whitney test, exact for small samples, against a tolerated effect, over a {@link
 * dev.molt.gate.MetricSource} such as {@link dev.molt.gate.PrometheusMetricSource}) and {@link
 * dev.molt.gate.CanaryScore} (several metrics into one score). Each metric's {@link
 * dev.molt.gate.MetricResult} is kept in the {@link dev.molt.gate.Measurement}.
 */
package dev.molt.gate;
