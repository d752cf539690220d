package dev.molt.files;

import dev.molt.Arguments;
import dev.molt.reconcile.ReconcileSpec;

/**
 * A {@code kind: Reconcile} document: the {@link ReconcileSpec} it describes.
 *
 * @param spec the reconcile
 */
public record ReconcileFile(ReconcileSpec spec) implements SpecFile {

  /** Validates the field. */
  public ReconcileFile {
    Arguments.required(spec, "spec");
  }

  @Override
  public String kind() {
    return "Reconcile";
  }
}
