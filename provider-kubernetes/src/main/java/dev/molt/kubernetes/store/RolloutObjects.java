package dev.molt.kubernetes.store;

import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout records' ConfigMaps, one per rollout ({@code molt-rollout-<id>-<hash>}): the record
 * as {@link RolloutRecord#toJson} writes it under data key {@value #RECORD}, the exact rollout id
 * and fleet as annotations, labels to list them by ({@value StoreObjects#FINISHED}, the fleet's
 * and rollout's keys), and the annotation {@value StoreObjects#FENCE}: the highest fencing token
 * that wrote or fenced the object. A write carries the resourceVersion it read and is refused when
 * the object's fence is above the writer's token. A grant that finds an object listed but not yet
 * created creates it empty (a tombstone, with no {@value #RECORD}) so that the late create fails.
 */
final class RolloutObjects {
  static final String RECORD = "record";
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

  RolloutObjects(KubernetesClient client, String namespace, StoreCalls calls) {
    this.client = client;
    this.namespace = namespace;
    this.calls = calls;
  }

  /** @return the object of that name, if any; a foreign object of that name refused */
  Optional<ConfigMap> read(String name) {
    ConfigMap object = calls.call("read ConfigMap " + name, () -> maps().withName(name).get());
    if (object != null && !StoreObjects.isOurs(object, StoreObjects.ROLLOUT)) {
      throw new StoreException("ConfigMap " + name + " in namespace " + namespace + " is not a"
          + " Molt rollout record (its labels differ); Molt never changes it. Delete or rename it,"
          + " or give the store another namespace");
    }
    return Optional.ofNullable(object);
  }

  /** @return the record of {@code rolloutId}, if one is stored */
  Optional<RolloutRecord> load(String rolloutId) {
    return read(StoreObjects.rolloutName(rolloutId))
        .filter(o -> StoreObjects.annotation(o, StoreObjects.ROLLOUT_ID)
            .filter(rolloutId::equals).isPresent())
        .flatMap(RolloutObjects::record);
  }

  /** @return the records whose objects match {@code labels} (besides Molt's store labels) */
  List<RolloutRecord> list(Map<String, String> labels) {
    ConfigMapList list = calls.call("list rollout records", () -> maps()
        .withLabels(StoreObjects.selector(StoreObjects.ROLLOUT, labels)).list());
    return list.getItems().stream()
        .filter(o -> StoreObjects.isOurs(o, StoreObjects.ROLLOUT))
        .filter(o -> labels.entrySet().stream().allMatch(e -> e.getValue()
            .equals(o.getMetadata().getLabels().get(e.getKey()))))
        .flatMap(o -> record(o).stream()).toList();
  }

  /**
   * One attempt to write {@code record} under {@code writer}, whose lease was just admitted:
   * read the object, refuse if it is fenced above the writer's token, write it guarded by the
   * resourceVersion read (or create it).
   */
  Outcome write(Lease writer, RolloutRecord record) {
    String name = StoreObjects.rolloutName(record.id());
    String what = "save rollout " + record.id() + " of fleet " + record.fleet();
    Optional<ConfigMap> found = read(name);
    if (found.isPresent()) {
      ConfigMap object = found.get();
      Optional<String> id = StoreObjects.annotation(object, StoreObjects.ROLLOUT_ID);
      Optional<String> fleet = StoreObjects.annotation(object, StoreObjects.FLEET);
      if (id.isPresent() && !id.get().equals(record.id())
          || fleet.isPresent() && !fleet.get().equals(record.fleet())) {
        throw new StoreException("refused to " + what + ": ConfigMap " + name + " holds the"
            + " record of rollout " + id.orElse("?") + " of fleet " + fleet.orElse("?")
            + "; a rollout id belongs to one fleet");
      }
      if (fence(object) > writer.token()) {
        return Outcome.FENCED;
      }
    }
    ConfigMap wanted = new ConfigMap();
    wanted.setMetadata(StoreObjects.meta(name, StoreObjects.ROLLOUT, Map.of(
        StoreObjects.FLEET_KEY, StoreObjects.key(record.fleet()),
        StoreObjects.ROLLOUT_KEY, StoreObjects.key(record.id()),
        StoreObjects.FINISHED, Boolean.toString(record.isFinished())), Map.of(
        StoreObjects.FLEET, record.fleet(), StoreObjects.ROLLOUT_ID, record.id(),
        StoreObjects.FENCE, Long.toString(writer.token()))));
    wanted.setData(Map.of(RECORD, record.toJson()));
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
        LOG.debug("rollout={} fleet={} token={} action=save conflict=409", record.id(),
            record.fleet(), writer.token());
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
      if (found.isPresent() && fence(found.get()) >= granted.token()) {
        return;
      }
      try {
        if (found.isPresent()) {
          ConfigMap object = found.get();
          object.getMetadata().getAnnotations().put(StoreObjects.FENCE,
              Long.toString(granted.token()));
          maps().resource(object).update();
        } else {
          ConfigMap tombstone = new ConfigMap();
          tombstone.setMetadata(StoreObjects.meta(name, StoreObjects.ROLLOUT, Map.of(
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

  private static long fence(ConfigMap object) {
    return StoreObjects.number(object, StoreObjects.FENCE);
  }

  private static Optional<RolloutRecord> record(ConfigMap object) {
    Map<String, String> data = object.getData() == null ? new HashMap<>() : object.getData();
    return Optional.ofNullable(data.get(RECORD)).map(RolloutRecord::fromJson);
  }

  private NonNamespaceOperation<ConfigMap, ConfigMapList, Resource<ConfigMap>> maps() {
    return client.configMaps().inNamespace(namespace);
  }
}
