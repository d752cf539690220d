package dev.molt.kubernetes.store;

import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rollout records' ConfigMaps, one per rollout ({@code molt-rollout-<id>-<hash>}): the record
 * as {@link RolloutRecord#toJson} writes it under data key {@value #RECORD}, the exact rollout id
 * and fleet as annotations, labels to list them by ({@value StoreObjects#FINISHED}, the fleet's
 * and rollout's keys), fenced by the fleet's lease as {@link FencedMaps} says.
 */
final class RolloutObjects {
  static final String RECORD = "record";

  private final FencedMaps maps;

  RolloutObjects(FencedMaps maps) {
    this.maps = maps;
  }

  /** @return the record of {@code rolloutId}, if one is stored */
  Optional<RolloutRecord> load(String rolloutId) {
    return maps.read(StoreObjects.rolloutName(rolloutId))
        .filter(o -> StoreObjects.annotation(o, StoreObjects.ROLLOUT_ID)
            .filter(rolloutId::equals).isPresent())
        .flatMap(RolloutObjects::record);
  }

  /** @return the records whose objects match {@code labels} (besides Molt's store labels) */
  List<RolloutRecord> list(Map<String, String> labels) {
    return maps.list("list rollout records", StoreObjects.ROLLOUT, labels).stream()
        .flatMap(o -> record(o).stream()).toList();
  }

  /**
   * One attempt to write {@code record} under {@code writer}, whose lease was just admitted:
   * read the object, refuse if it holds another rollout or is fenced above the writer's token,
   * write it guarded by the resourceVersion read (or create it).
   */
  FencedMaps.Outcome write(Lease writer, RolloutRecord record) {
    String name = StoreObjects.rolloutName(record.id());
    String what = "save rollout " + record.id() + " of fleet " + record.fleet();
    Optional<ConfigMap> found = maps.read(name);
    if (found.isPresent()) {
      Optional<String> id = StoreObjects.annotation(found.get(), StoreObjects.ROLLOUT_ID);
      Optional<String> fleet = StoreObjects.annotation(found.get(), StoreObjects.FLEET);
      if (id.isPresent() && !id.get().equals(record.id())
          || fleet.isPresent() && !fleet.get().equals(record.fleet())) {
        throw new StoreException("refused to " + what + ": ConfigMap " + name + " holds the"
            + " record of rollout " + id.orElse("?") + " of fleet " + fleet.orElse("?")
            + "; a rollout id belongs to one fleet");
      }
    }
    ConfigMap wanted = new ConfigMap();
    wanted.setMetadata(StoreObjects.meta(name, StoreObjects.ROLLOUT, Map.of(
        StoreObjects.FLEET_KEY, StoreObjects.key(record.fleet()),
        StoreObjects.ROLLOUT_KEY, StoreObjects.key(record.id()),
        StoreObjects.FINISHED, Boolean.toString(record.isFinished())), Map.of(
        StoreObjects.FLEET, record.fleet(), StoreObjects.ROLLOUT_ID, record.id())));
    wanted.setData(Map.of(RECORD, record.toJson()));
    return maps.write(writer, found, wanted, what);
  }

  private static Optional<RolloutRecord> record(ConfigMap object) {
    Map<String, String> data = object.getData() == null ? new HashMap<>() : object.getData();
    return Optional.ofNullable(data.get(RECORD)).map(RolloutRecord::fromJson);
  }
}
