/**
 * Molt's test kit: simulated platforms in virtual time, AssertJ assertions, a JUnit 5 extension,
 * the provider and store conformance contracts, the fault model and the invariant checker. Every
 * package is exported: all of it is API for test suites.
 */
module dev.molt.testkit {
  requires transitive dev.molt.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires org.junit.platform.commons;

  exports dev.molt.testkit;
  exports dev.molt.testkit.conformance;
  exports dev.molt.testkit.faults;
  exports dev.molt.testkit.invariants;
  exports dev.molt.testkit.store;

  opens dev.molt.testkit.conformance to org.junit.platform.commons;
  opens dev.molt.testkit.store to org.junit.platform.commons;
}
