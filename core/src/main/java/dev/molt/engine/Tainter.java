package dev.molt.engine;

import dev.molt.Arguments;
import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.MoltException;
import dev.molt.OwnerLabels;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Marks an instance tainted through the provider, after checking it is an owned instance. */
final class Tainter {
  /** The longest reason kept; label values are short on most platforms. */
  public static final int MAX_REASON = 200;

  private Tainter() {}

  /**
   * Validates the arguments (before any provider call), finds the instance among the fleet's owned
   * instances and asks the provider to taint it, with the engine's retries.
   *
   * @param engine the engine's shared parts
   * @param fleet the fleet name
   * @param instanceId the instance id
   * @param reason why
   * @return completes when the label is set
   * @throws InvalidSpecException naming the invalid argument
   */
  public static CompletableFuture<Void> taint(EngineContext engine, String fleet,
      String instanceId, String reason) {
    Arguments.notBlank(fleet, "fleet");
    Arguments.notBlank(instanceId, "instanceId");
    Arguments.notBlank(reason, "reason");
    if (reason.length() > MAX_REASON || reason.contains("\n")) {
      throw new InvalidSpecException("reason", "must be one line of at most " + MAX_REASON
          + " characters (it becomes a label value), was " + reason.length() + " characters");
    }
    return engine.calls().call("observe", "fleet " + fleet,
            () -> engine.provider().observe(fleet))
        .thenCompose(listed -> {
          Instance target = find(listed, fleet, instanceId);
          return engine.calls().call("taint", "instance " + instanceId, () -> {
            engine.provider().taint(fleet, target, reason);
            return null;
          });
        });
  }

  private static Instance find(List<Instance> listed, String fleet, String instanceId) {
    return listed.stream()
        .filter(i -> i.id().equals(instanceId) && OwnerLabels.isOwned(i.labels(), fleet))
        .findFirst()
        .orElseThrow(() -> new MoltException("fleet " + fleet + " has no live instance "
            + instanceId + " owned by Molt; list the fleet's instances with the provider to find"
            + " the right id (instances Molt did not create are never tainted)"));
  }
}
