package dev.molt.store;

import dev.molt.Arguments;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
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
 * rollouts and respect each other's leases and fencing tokens; nothing survives the process. Each
 * engine built without a store gets its own. Thread-safe.
 */
public final class InMemoryRolloutStore implements RolloutStore {
  private final Map<String, RolloutRecord> records = new LinkedHashMap<>();
  private final Map<String, SavedCampaign> campaigns = new LinkedHashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, Long> newestTokens = new HashMap<>();
  private final Map<String, Map<String, ControlRequest>> requests = new HashMap<>();
  private final List<java.util.function.Consumer<String>> watchers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Creates an empty store. */
  public InMemoryRolloutStore() {}

  @Override
  public synchronized void save(Lease writer, RolloutRecord record) {
    Lease.requireFleet(writer, record);
    Lease.requireCurrent(lease(writer.fleet()), newest(writer.fleet()), writer,
        "save of rollout " + record.id());
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
  public boolean keepsCampaigns() {
    return true;
  }

  @Override
  public synchronized void saveCampaign(Lease writer, SavedCampaign campaign) {
    Arguments.required(campaign, "campaign").requireWriter(writer);
    Lease.requireCurrent(lease(writer.fleet()), newest(writer.fleet()), writer,
        "save of campaign " + campaign.id());
    SavedCampaign.requireSameLease(Optional.ofNullable(campaigns.get(campaign.id())), campaign);
    campaigns.put(campaign.id(), campaign);
  }

  @Override
  public synchronized Optional<SavedCampaign> campaign(String campaignId) {
    return Optional.ofNullable(campaigns.get(campaignId));
  }

  @Override
  public synchronized List<SavedCampaign> unfinishedCampaigns() {
    return campaigns.values().stream().filter(c -> !c.finished()).toList();
  }

  @Override
  public synchronized Optional<LaunchSpec> launchSpec(Revision revision) {
    return RolloutStore.launchSpecIn(records.values(), revision);
  }

  @Override
  public void request(ControlRequest request) {
    Arguments.required(request, "request");
    boolean stored;
    synchronized (this) {
      stored = requests.computeIfAbsent(request.rolloutId(), id -> new LinkedHashMap<>())
          .putIfAbsent(request.id(), request) == null;
    }
    if (stored) {
      for (var w : watchers) { // outside the lock; one failing watcher spoils none of the others
        try {
          w.accept(request.rolloutId());
        } catch (RuntimeException e) {
          // a hint only: that engine's poll finds the request
        }
      }
    }
  }

  /** Tells {@code onRequest} of each new request at once, on the requester's thread. */
  @Override
  public dev.molt.time.Cancellable watchRequests(java.util.function.Consumer<String> onRequest) {
    Arguments.required(onRequest, "onRequest");
    watchers.add(onRequest);
    return () -> watchers.remove(onRequest);
  }

  @Override
  public synchronized List<ControlRequest> requests(String rolloutId) {
    return RolloutStore.oldestFirst(requests.getOrDefault(rolloutId, Map.of()).values());
  }

  @Override
  public synchronized Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    Arguments.notBlank(fleet, "fleet");
    Lease granted = Lease.claim(lease(fleet), newest(fleet), fleet, holder, now, ttl);
    leases.put(fleet, granted);
    newestTokens.put(fleet, granted.token());
    return granted;
  }

  @Override
  public synchronized Lease renew(Lease lease, Instant now, Duration ttl) {
    Arguments.required(lease, "lease");
    Lease renewed = Lease.extend(lease(lease.fleet()), newest(lease.fleet()), lease, now, ttl);
    leases.put(lease.fleet(), renewed);
    return renewed;
  }

  @Override
  public synchronized void release(Lease lease) {
    Arguments.required(lease, "lease");
    Lease current = leases.get(lease.fleet());
    if (current != null && current.token() == lease.token()
        && current.holder().equals(lease.holder())) {
      leases.remove(lease.fleet());
    }
  }

  @Override
  public synchronized Optional<Lease> lease(String fleet) {
    return Optional.ofNullable(leases.get(fleet));
  }

  private long newest(String fleet) {
    return newestTokens.getOrDefault(fleet, 0L);
  }
}
