package dev.molt.gate;

import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import java.util.List;

/**
 * Passes when at least {@code minShare} of the new revision's live instances are healthy. No live
 * instance of it is {@link Verdict#INSUFFICIENT_DATA}, never a pass.
 *
 * @param minShare the least healthy fraction, in (0, 1]
 */
public record HealthyShare(double minShare) implements Gate {

  /** Validates the share. */
  public HealthyShare {
    if (!(minShare > 0 && minShare <= 1)) {
      throw new InvalidSpecException("minShare", "must be in (0, 1], was " + minShare);
    }
  }

  @Override
  public String name() {
    return "healthy-share";
  }

  @Override
  public Measurement measure(GateContext context) {
    List<Instance> instances = context.canaryInstances();
    if (instances.isEmpty()) {
      return Measurement.insufficientData("no live instance of " + context.canary());
    }
    long healthy = instances.stream().filter(Instance::isHealthy).count();
    double share = (double) healthy / instances.size();
    String detail = "healthy=" + healthy + "/" + instances.size() + " min=" + minShare;
    return share >= minShare ? Measurement.pass(detail) : Measurement.fail(detail);
  }
}
