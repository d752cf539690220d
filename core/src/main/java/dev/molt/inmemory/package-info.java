/**
 * The in-memory platform: {@link dev.molt.inmemory.InMemoryProvider} simulates instances in
 * virtual time with scripted latencies and failures, for demos, test suites and simulations.
 */
package dev.molt.inmemory;
