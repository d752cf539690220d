/**
 * Keeping a fleet what it was declared to be. {@link dev.molt.engine.RolloutEngine#reconcile}
 * takes a {@link dev.molt.reconcile.ReconcileSpec}, finds drifted, tainted, unhealthy and orphaned
 * instances, replaces or terminates them within the rolling limits and returns a {@link
 * dev.molt.reconcile.ReconcileReport}; {@link dev.molt.engine.ContinuousReconciler} does it on
 * an interval. {@link dev.molt.reconcile.ImageCatalog} answers image lineage questions and {@link
 * dev.molt.reconcile.ImageAgePolicy} lists fleets due for a rebuild. See {@code docs/reconcile.md}.
 */
package dev.molt.reconcile;

