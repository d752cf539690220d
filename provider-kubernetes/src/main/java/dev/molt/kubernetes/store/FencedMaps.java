package dev.molt.kubernetes.store;

import dev.molt.store.Lease;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ConfigMaps that a lease fences: rollout records ({@code molt-rollout-...}) and campaign
 * states ({@code molt-campaign-...}). Each carries the annotation {@value StoreObjects#FENCE}, the
 * highest fencing token that wrote or fenced it. A write carries the resourceVersion it read and
 * is refused when the object's fence is above the writer's token; a grant raises the fence of
 * every object written under an older token ({@link #fence}), creating an empty tombstone for one
 * listed but not created yet, so that the late create fails with 409. The kind of an object
 * follows from its name's prefix, so the lease needs to keep only names.
 */
final class FencedMaps {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRolloutStore.class);

  /** What became of one write attempt. */
  enum Outcome {
    /** Written. */
    WRITTEN,
    /** The object changed since it was read (409): read the lease and the object again. */
    CONFLICT,
    /** The object was fenced by, or written under, a newer token than the writer's. */
    FENCED
  }

  private final KubernetesClient client;
  private final String namespace;
  private final StoreCalls calls;

  FencedMaps(KubernetesClient client, String namespace, StoreCalls calls) {
    this.client = client;
    this.namespace = namespace;
    this.calls = calls;
  }

  /** @return the object of that name, if any; an object of that name that is not ours refused */
  Optional<ConfigMap> read(String name) {
    String kind = StoreObjects.fencedKind(name);
    ConfigMap object = calls.call("read ConfigMap " + name, () -> maps().withName(name).get());
    if (object != null && !StoreObjects.isOurs(object, kind)) {
      throw new StoreException("ConfigMap " + name + " in namespace " + namespace + " is not a"
          + " Molt " + kind + " object (its labels differ); Molt never changes it. Delete or"
          + " rename it, or give the store another namespace");
    }
    return Optional.ofNullable(object);
  }

  /**
   * @param what the listing, as an error names it ({@code list rollout records})
   * @return Molt's objects of {@code kind} whose labels include {@code labels}
   */
  List<ConfigMap> list(String what, String kind, Map<String, String> labels) {
    ConfigMapList list = calls.call(what, () -> maps()
        .withLabels(StoreObjects.selector(kind, labels)).list());
    return list.getItems().stream()
        .filter(o -> StoreObjects.isOurs(o, kind))
        .filter(o -> labels.entrySet().stream().allMatch(e -> e.getValue()
            .equals(o.getMetadata().getLabels().get(e.getKey()))))
        .toList();
  }

  /**
   * One attempt to write {@code wanted} under {@code writer}, whose lease was just admitted:
   * refused if {@code found} (the object as just read) is fenced above the writer's token, else
   * written with the writer's token as its fence, guarded by the resourceVersion read (or
   * created).
   */
  Outcome write(Lease writer, Optional<ConfigMap> found, ConfigMap wanted, String what) {
    if (found.isPresent()) {
      requireLease(found.get(), writer.fleet(), what);
      if (fence(found.get()) > writer.token()) {
        return Outcome.FENCED;
      }
    }
    wanted.getMetadata().getAnnotations().put(StoreObjects.FENCE,
        Long.toString(writer.token()));
    try {
      if (found.isPresent()) {
        wanted.getMetadata().setResourceVersion(found.get().getMetadata().getResourceVersion());
        maps().resource(wanted).update();
      } else {
        maps().resource(wanted).create();
      }
      return Outcome.WRITTEN;
    } catch (KubernetesClientException e) {
      if (StoreCalls.conflict(e)) {
        LOG.debug("fleet={} token={} action=save object={} conflict=409", writer.fleet(),
            writer.token(), wanted.getMetadata().getName());
        return Outcome.CONFLICT;
      }
      throw calls.failure(what, e);
    }
  }

  /**
   * Raises the fence of object {@code name} to {@code granted}'s token (creating a tombstone if
   * the object does not exist yet), so that no writer with an older token can write it after this
   * returns.
   */
  void fence(String name, Lease granted) {
    String what = "fence ConfigMap " + name + " for the grant of fleet " + granted.fleet()
        + " token " + granted.token();
    for (int attempt = 0; attempt < StoreCalls.ATTEMPTS; attempt++) {
      Optional<ConfigMap> found = read(name);
      if (found.isPresent() && (fence(found.get()) >= granted.token()
          || lease(found.get()).filter(l -> !l.equals(granted.fleet())).isPresent())) {
        return; // fenced already, or another lease's: its tokens are not comparable with these
      }
      try {
        if (found.isPresent()) {
          ConfigMap object = found.get();
          object.getMetadata().getAnnotations().put(StoreObjects.FENCE,
              Long.toString(granted.token()));
          maps().resource(object).update();
        } else {
          ConfigMap tombstone = new ConfigMap();
          tombstone.setMetadata(StoreObjects.meta(name, StoreObjects.fencedKind(name), Map.of(
              StoreObjects.FLEET_KEY, StoreObjects.key(granted.fleet())), Map.of(
              StoreObjects.FLEET, granted.fleet(),
              StoreObjects.FENCE, Long.toString(granted.token()))));
          maps().resource(tombstone).create();
        }
        LOG.debug("fleet={} token={} action=fence object={}", granted.fleet(), granted.token(),
            name);
        return;
      } catch (KubernetesClientException e) {
        if (!StoreCalls.conflict(e)) {
          throw calls.failure(what, e);
        }
      }
    }
    throw calls.contended(what);
  }

  /**
   * Refuses to write an object that another lease fences (tokens of two leases are not
   * comparable): a campaign id drawn by two campaigns, or a rollout id by two fleets.
   */
  void requireLease(ConfigMap object, String lease, String what) {
    Optional<String> owner = lease(object);
    if (owner.isPresent() && !owner.get().equals(lease)) {
      throw new StoreException("refused to " + what + ": ConfigMap "
          + object.getMetadata().getName() + " in namespace " + namespace + " is fenced by the"
          + " lease " + owner.get() + ", not " + lease + "; an id belongs to one fleet or"
          + " campaign");
    }
  }

  /** @return the name of the lease that fences {@code object}, as it says */
  private static Optional<String> lease(ConfigMap object) {
    return StoreObjects.annotation(object, StoreObjects.FLEET);
  }

  private static long fence(ConfigMap object) {
    return StoreObjects.number(object, StoreObjects.FENCE);
  }

  private NonNamespaceOperation<ConfigMap, ConfigMapList, Resource<ConfigMap>> maps() {
    return client.configMaps().inNamespace(namespace);
  }
}
