package dev.molt.spi;

import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.internal.Checks;
import java.util.Map;

/**
 * A request to launch {@code count} new instances of one revision.
 *
 * @param fleet the fleet they join
 * @param spec what to launch
 * @param count how many, at least 1
 * @param rolloutId the rollout asking
 * @param requestKey an idempotency key: a provider that sees the same key twice returns the
 *     instances of the first call instead of launching more (an AWS client token, a Kubernetes
 *     ReplicaSet generation, a container name prefix)
 */
public record LaunchRequest(
    String fleet, LaunchSpec spec, int count, String rolloutId, String requestKey) {

  /** Validates the fields. */
  public LaunchRequest {
    Checks.notBlank(fleet, "fleet");
    Checks.required(spec, "spec");
    Checks.positive(count, "count");
    Checks.notBlank(rolloutId, "rolloutId");
    Checks.notBlank(requestKey, "requestKey");
  }

  /** @return the revision of {@link #spec()} */
  public Revision revision() {
    return spec.revision();
  }

  /** @return the owner labels every launched instance must carry */
  public Map<String, String> ownerLabels() {
    return OwnerLabels.of(fleet, revision(), rolloutId);
  }
}
