package dev.molt.files;

/**
 * What one rollout file holds: a {@link RolloutFile} ({@code kind: Rollout}), a {@link
 * ReconcileFile} ({@code kind: Reconcile}) or a {@link TemplatesFile} ({@code kind:
 * GateTemplates}). Read and written by {@link SpecFiles}.
 */
public sealed interface SpecFile permits RolloutFile, ReconcileFile, TemplatesFile {

  /** The one API version this module reads and writes. */
  String API_VERSION = "molt.dev/v1";

  /** @return the document's {@code kind}: {@code Rollout}, {@code Reconcile} or {@code GateTemplates} */
  String kind();
}
