package dev.molt.store;

import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.Arguments;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link RolloutStore} in this process's memory: engines sharing one instance resume each other's
 * rollouts and respect each other's leases; nothing survives the process. Each engine built without
 * a store gets its own. Thread-safe.
 */
public final class InMemoryRolloutStore implements RolloutStore {
  private final Map<String, RolloutRecord> records = new LinkedHashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();

  /** Creates an empty store. */
  public InMemoryRolloutStore() {}

  @Override
  public synchronized void save(RolloutRecord record) {
    Arguments.required(record, "record");
    records.put(record.id(), record);
  }

  @Override
  public synchronized Optional<RolloutRecord> load(String rolloutId) {
    return Optional.ofNullable(records.get(rolloutId));
  }

  @Override
  public synchronized List<RolloutRecord> unfinished() {
    return records.values().stream().filter(r -> !r.isFinished())
        .sorted(Comparator.comparing(r -> r.rollout().startedAt())).toList();
  }

  @Override
  public synchronized Optional<LaunchSpec> launchSpec(Revision revision) {
    return RolloutStore.launchSpecIn(records.values(), revision);
  }

  @Override
  public synchronized Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    Lease granted = Lease.claim(Optional.ofNullable(leases.get(fleet)), fleet, holder, now, ttl);
    leases.put(fleet, granted);
    return granted;
  }

  @Override
  public synchronized void release(String fleet, String holder) {
    Lease current = leases.get(fleet);
    if (current != null && current.holder().equals(holder)) {
      leases.remove(fleet);
    }
  }

  @Override
  public synchronized Optional<Lease> lease(String fleet) {
    return Optional.ofNullable(leases.get(fleet));
  }
}
