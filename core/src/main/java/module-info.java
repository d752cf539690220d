/**
 * Molt's core: the model, the specs, the strategies and gates, the engine, the stores, the SPI
 * and the in-memory platform. Every exported package is API; {@code dev.molt.decide} (the pure
 * planners the engine calls) and {@code dev.molt.internal} (small utilities) are not exported and
 * may change in any release. See docs/ARCHITECTURE.md for the package map.
 */
module dev.molt.core {
  requires transitive org.slf4j;
  requires dev.failsafe.core;
  requires java.net.http;

  exports dev.molt;
  exports dev.molt.campaign;
  exports dev.molt.engine;
  exports dev.molt.gate;
  exports dev.molt.inmemory;
  exports dev.molt.notify;
  exports dev.molt.reconcile;
  exports dev.molt.rollout;
  exports dev.molt.spi;
  exports dev.molt.store;
  exports dev.molt.strategy;
  exports dev.molt.time;
}
