package dev.molt.campaign;

/** Where a campaign is. */
public enum CampaignPhase {
  /** Rolling waves, baking, or waiting for an approval. */
  RUNNING,
  /** Halted (too many failures, a failed bake gate, an abort): winding down what runs. */
  HALTING,
  /** Every wave done within the failure limit. */
  SUCCEEDED,
  /** Halted and wound down; see the campaign's reason. */
  HALTED;

  /** @return whether the campaign can change no more */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == HALTED;
  }
}
