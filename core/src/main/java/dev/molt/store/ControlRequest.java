package dev.molt.store;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A control asked of a running rollout through its {@link RolloutStore}, by any process — a CLI,
 * another service — that does not hold the fleet. The engine holding the fleet picks it up within
 * one poll interval, applies it at most once, and answers it in the rollout's record ({@link
 * RolloutRecord#answer}). Requests for a rollout that no engine drives (ended, or its engine
 * stopped) wait until one resumes it.
 *
 * <p>A patch-wave campaign kept in a store is steered the same way: {@code rolloutId} is then the
 * campaign's id ({@code ca-...}), the process that drives the campaign polls for it, and the
 * answer is in the campaign's snapshot ({@code Campaign.answer}). A campaign takes {@link
 * Control#PAUSE}, {@link Control#RESUME}, {@link Control#APPROVE} and {@link Control#ABORT}; it
 * refuses the others, and a rollout refuses {@code APPROVE}.
 *
 * @param id the request's id, unique per rollout; letters, digits, {@code . _ -}
 * @param rolloutId the rollout it is for (or the campaign)
 * @param control what to do
 * @param reason why; required for {@link Control#ABORT}
 * @param requestedBy who asked, for the audit trail
 * @param requestedAt when, by the requester's clock
 */
public record ControlRequest(String id, String rolloutId, Control control,
    Optional<String> reason, String requestedBy, Instant requestedAt) {
  private static final SecureRandom IDS = new SecureRandom();

  /** The controls a request can carry: those of a running rollout's or campaign's handle. */
  public enum Control {
    /** {@code RolloutHandle.pause()}. */
    PAUSE,
    /** {@code RolloutHandle.resume()}. */
    RESUME,
    /** {@code RolloutHandle.promote()}. */
    PROMOTE,
    /** {@code RolloutHandle.promoteFull()}. */
    PROMOTE_FULL,
    /** {@code RolloutHandle.abort(reason)}. */
    ABORT,
    /** {@code RolloutHandle.undo()} of a running rollout: back to the previous revision. */
    UNDO,
    /** {@code CampaignHandle.approve()}: a campaign's wave that waits for approval starts. */
    APPROVE
  }

  /** Validates the fields. */
  public ControlRequest {
    Arguments.notBlank(id, "id");
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new InvalidSpecException("id", "'" + id + "' must be letters, digits, . _ and -"
          + " (at most 100), starting with a letter or digit");
    }
    Arguments.notBlank(rolloutId, "rolloutId");
    Arguments.required(control, "control");
    Arguments.optional(reason, "reason");
    Arguments.notBlank(requestedBy, "requestedBy");
    Arguments.required(requestedAt, "requestedAt");
    if (control == Control.ABORT && reason.filter(r -> !r.isBlank()).isEmpty()) {
      throw new InvalidSpecException("reason", "an ABORT request needs a reason; it becomes the"
          + " rollout's reason");
    }
  }

  /**
   * A request with a fresh random id ({@code cr-<hex>}) and no reason.
   *
   * @param rolloutId the rollout
   * @param control what to do (not {@link Control#ABORT}, which needs a reason)
   * @param requestedBy who asks
   * @param now the requester's time
   * @return the request; {@linkplain RolloutStore#request store} it to send it
   */
  public static ControlRequest of(String rolloutId, Control control, String requestedBy,
      Instant now) {
    return new ControlRequest(newId(), rolloutId, control, Optional.empty(), requestedBy, now);
  }

  /**
   * An {@link Control#ABORT} request with a fresh random id.
   *
   * @param rolloutId the rollout
   * @param reason why; becomes the rollout's reason
   * @param requestedBy who asks
   * @param now the requester's time
   * @return the request
   */
  public static ControlRequest abort(String rolloutId, String reason, String requestedBy,
      Instant now) {
    return new ControlRequest(newId(), rolloutId, Control.ABORT, Optional.of(reason),
        requestedBy, now);
  }

  private static String newId() {
    byte[] bytes = new byte[6];
    IDS.nextBytes(bytes);
    return "cr-" + HexFormat.of().formatHex(bytes);
  }
}
