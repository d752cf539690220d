package dev.molt.engine;

import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.Finding;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A reconcile in progress. Thread-safe. To stop it early, {@linkplain RolloutHandle#abort abort}
 * its {@link #run()}: it ends where it is, without rolling anything back, and the report marks the
 * remedies not yet carried out as {@link Finding.Outcome#NOT_DONE}.
 */
public interface ReconcileHandle {

  /** @return the reconcile id (the id of its engine run, for one that acts) */
  String id();

  /** @return the engine run carrying out the remedies; empty for a dry run */
  Optional<RolloutHandle> run();

  /** @return completes with the report when the reconcile ends */
  CompletableFuture<ReconcileReport> completion();

  /**
   * Waits for the end, in the engine scheduler's time (driving virtual time when it is virtual).
   *
   * @return the report
   * @throws dev.molt.ProviderException if a dry run could not observe the fleet
   */
  ReconcileReport await();
}
