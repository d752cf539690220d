/**
 * The benchmark command line ({@link dev.molt.benchmarks.Main}) and its suites: simulated
 * rollouts against an oracle schedule ({@link dev.molt.benchmarks.RollingOracle}), provider call
 * counts, and engine overhead (JMH). A single-threaded tool: the records are immutable, the rest is
 * meant to be used from one thread. Not a library API.
 */
package dev.molt.benchmarks;
