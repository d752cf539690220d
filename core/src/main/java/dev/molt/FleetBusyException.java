package dev.molt;

/**
 * A rollout or reconcile was refused because another run already holds the fleet. Molt runs at
 * most one rollout or reconcile per fleet at a time, so two runs never fight over the same
 * instances. Wait for the running one ({@code engine.active(fleet)}), or abort it first.
 */
public final class FleetBusyException extends MoltException {
  private static final long serialVersionUID = 1L;
  private final String fleet;
  private final String holder;

  /**
   * Creates the exception.
   *
   * @param fleet the fleet that is busy
   * @param holder the id of the run that holds it
   * @param detail what the holder is doing, such as its phase
   */
  public FleetBusyException(String fleet, String holder, String detail) {
    super("fleet " + fleet + " already has run " + holder + " (" + detail + "); wait for it, or"
        + " abort it first");
    this.fleet = fleet;
    this.holder = holder;
  }

  /** @return the fleet that is busy */
  public String fleet() {
    return fleet;
  }

  /** @return the id of the run holding the fleet */
  public String holder() {
    return holder;
  }
}
