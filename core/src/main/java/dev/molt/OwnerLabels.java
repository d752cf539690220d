package dev.molt;

import java.util.Map;

/**
 * The labels (tags) every instance Molt creates carries. A provider lists, changes and destroys
 * only what carries {@link #MANAGED_BY} = {@link #MANAGER} and the fleet's {@link #FLEET} label;
 * nothing without them is ever touched.
 */
public final class OwnerLabels {
  /** Marks an object as created by Molt. */
  public static final String MANAGED_BY = "molt.dev/managed-by";
  /** The value of {@link #MANAGED_BY}. */
  public static final String MANAGER = "molt";
  /** The fleet name. */
  public static final String FLEET = "molt.dev/fleet";
  /** The revision id. */
  public static final String REVISION = "molt.dev/revision";
  /** The id of the rollout that launched the instance. */
  public static final String ROLLOUT = "molt.dev/rollout";
  /** Present when an operator or detector marked the instance for replacement; value = reason. */
  public static final String TAINTED = "molt.dev/tainted";
  /**
   * On a {@code FAILED} instance, when its provider can tell: why it failed in the platform's words
   * (a container's exit code and last log lines), short, never a secret; and on a running one that
   * fails its health check, why (the Docker provider: "still running", what its probe saw, its
   * last log lines). The engine quotes it in the replacement's event and in the reason of a
   * rollout whose replacement budget ran out, and compares it (normalised) to fail a revision
   * whose instances keep failing for the same cause ({@code dev.molt.decide.FailureCauses}).
   */
  public static final String FAILURE = "molt.dev/failure";
  /**
   * The part an instance plays beside its revision, when it plays one: {@link #BASELINE} marks the
   * fresh baseline a canary analysis launched (see {@code CanaryStep.analyzeWithFreshBaseline}).
   * Absent on every other instance.
   */
  public static final String ROLE = "molt.dev/role";
  /** The value of {@link #ROLE} on a fresh baseline's instances. */
  public static final String BASELINE = "baseline";
  /**
   * The zone (failure domain) an instance runs in, when its provider can tell: AWS reports the
   * availability zone EC2 placed it in; the in-memory provider the zone it was asked for or gave
   * it ({@code InMemoryProvider.Builder.zones}). Absent where a provider knows no zones; a zonal
   * rolling update ({@code RollingUpdate.withZones}) treats instances without it as one zone of
   * their own.
   */
  public static final String ZONE = "molt.dev/zone";

  private OwnerLabels() {}

  /**
   * The labels for a new instance.
   *
   * @param fleet the fleet name
   * @param revision the revision launched
   * @param rolloutId the rollout launching it
   * @return an immutable map of the four owner labels
   */
  public static Map<String, String> of(String fleet, Revision revision, String rolloutId) {
    return Map.of(MANAGED_BY, MANAGER, FLEET, fleet, REVISION, revision.id(), ROLLOUT, rolloutId);
  }

  /**
   * Tells whether an instance is a fresh baseline, not part of the fleet's stable capacity.
   *
   * @param labels an instance's labels
   * @return true if {@link #ROLE} is {@link #BASELINE}
   */
  public static boolean isBaseline(Map<String, String> labels) {
    return BASELINE.equals(labels.get(ROLE));
  }

  /**
   * Tells whether labels mark an object owned by Molt for {@code fleet}.
   *
   * @param labels an object's labels
   * @param fleet a fleet name
   * @return true only if both {@link #MANAGED_BY} and {@link #FLEET} match
   */
  public static boolean isOwned(Map<String, String> labels, String fleet) {
    return MANAGER.equals(labels.get(MANAGED_BY)) && fleet.equals(labels.get(FLEET));
  }
}
