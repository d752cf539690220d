/**
 * Gates: measurements that decide whether a rollout may go on. A {@link dev.molt.gate.Gate} makes
 * one measurement; an {@link dev.molt.gate.Analysis} measures it a number of times at an interval
 * and turns the measurements into a {@link dev.molt.gate.Verdict} under failure, inconclusive and
 * error limits. Built-in gates: {@link dev.molt.gate.HealthyShare}, {@link dev.molt.gate.HttpProbe}
 * and {@link dev.molt.gate.MetricComparison} (Mann–Whitney U over a {@link
 * dev.molt.gate.MetricSource}, such as {@link dev.molt.gate.PrometheusMetricSource}).
 */
package dev.molt.gate;
