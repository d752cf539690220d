package dev.molt.campaign;

import dev.molt.InvalidSpecException;
import dev.molt.MoltException;
import dev.molt.internal.Json;
import dev.molt.codec.RecordJson;
import dev.molt.store.ControlRequest;
import dev.molt.store.Lease;
import dev.molt.store.RolloutStore;
import dev.molt.store.SavedCampaign;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import dev.molt.time.Cancellable;
import dev.molt.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one campaign's state in a {@link RolloutStore}, under a lease named {@code campaign-<name>}
 * that only one process holds at a time: every snapshot is saved under it (fenced as rollout
 * records are), it is renewed every third of its TTL, and it is released when the campaign ends.
 * When the lease is lost (another process was granted it, or it lapsed before a renewal got
 * through), {@code lost} is told once and nothing more is saved: the campaign stops acting. While
 * it holds the lease it polls the store for the campaign's control requests ({@link
 * #pollControls}).
 */
final class CampaignStore {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignStore.class);
  /** The lease name's prefix; the rest is the campaign's name. */
  static final String LEASE_PREFIX = "campaign-";

  private final RolloutStore store;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Duration ttl;
  private final Consumer<String> lost;
  private Lease lease;
  private Campaign saved;
  private boolean over;
  private Cancellable renewal = Cancellable.none();
  private Cancellable polling = Cancellable.none();

  private CampaignStore(RolloutStore store, Lease lease, Clock clock, Scheduler scheduler,
      Duration ttl, Consumer<String> lost) {
    this.store = store;
    this.lease = lease;
    this.clock = clock;
    this.scheduler = scheduler;
    this.ttl = ttl;
    this.lost = lost;
  }

  /**
   * Takes the campaign's lease.
   *
   * @throws dev.molt.store.FleetLockedException if another process drives the campaign
   */
  static CampaignStore take(RolloutStore store, String campaign, String holder, Clock clock,
      Scheduler scheduler, Duration ttl, Consumer<String> lost) {
    Lease lease = store.acquire(leaseName(campaign), holder, clock.instant(), ttl);
    CampaignStore kept = new CampaignStore(store, lease, clock, scheduler, ttl, lost);
    kept.scheduleRenewal();
    return kept;
  }

  /** @return the lease name of the campaign called {@code name} */
  static String leaseName(String name) {
    return LEASE_PREFIX + name;
  }

  /**
   * Checks that a campaign of this name can be kept in a store: its lease name must be one a
   * store takes as a fleet name, and no fleet of the campaign may have it.
   */
  static void requireKeepable(CampaignSpec spec, RolloutStore store) {
    if (!store.keepsCampaigns()) {
      throw new InvalidSpecException("store", store.getClass().getSimpleName() + " does not keep"
          + " campaigns: give Campaigns.Builder.store one that does (the in-memory, file,"
          + " PostgreSQL, DynamoDB or Kubernetes store), or none (the campaign is then not"
          + " resumable)");
    }
    if (!spec.name().matches("[a-z0-9]([a-z0-9-]{0,29}[a-z0-9])?")) {
      throw new InvalidSpecException("name", "'" + spec.name() + "' must be 1-31 lowercase"
          + " letters, digits and '-' for a campaign kept in a store (its lease is "
          + leaseName("<name>") + ")");
    }
    String leaseName = leaseName(spec.name());
    if (spec.fleets().stream().anyMatch(f -> f.name().equals(leaseName))) {
      throw new InvalidSpecException("name", "campaign " + spec.name() + " would take the lease "
          + leaseName + ", which is the name of one of its fleets; rename the campaign");
    }
  }

  /** @return the unfinished campaign called {@code name} in {@code store}, if any */
  static Optional<Campaign> unfinished(RolloutStore store, String name) {
    return store.unfinishedCampaigns().stream().filter(c -> c.name().equals(name)).findFirst()
        .map(CampaignStore::read);
  }

  /** @return the snapshot {@code saved} holds */
  static Campaign read(SavedCampaign saved) {
    try {
      return (Campaign) RecordJson.fromTree(Json.parse(saved.state()), Campaign.class);
    } catch (RuntimeException e) {
      throw new StoreException("campaign " + saved.id() + " in the store cannot be read: "
          + e.getMessage(), e);
    }
  }

  /**
   * Saves {@code campaign} unless it is what was saved last; releases the lease once it ended.
   *
   * @return false if the lease was lost: the caller must stop
   */
  synchronized boolean save(Campaign campaign) {
    if (over) {
      return false;
    }
    if (campaign == saved) {
      return true;
    }
    String json = Json.write(RecordJson.toTree(campaign, Campaign.class));
    try {
      store.saveCampaign(lease, new SavedCampaign(campaign.id(), campaign.name(), lease.fleet(),
          campaign.phase().isTerminal(), json));
    } catch (StaleLeaseException e) {
      lose(campaign.id(), "its lease " + lease.fleet() + " was granted to another process: "
          + e.getMessage());
      return false;
    }
    saved = campaign;
    if (campaign.phase().isTerminal()) {
      over = true;
      renewal.cancel();
      polling.cancel();
      release(campaign.id());
    }
    return true;
  }

  /**
   * Hands the store's control requests for {@code campaignId} to {@code apply} every {@code
   * every}, until the campaign ends or the lease is lost. A read the store fails is tried again at
   * the next poll.
   */
  void pollControls(String campaignId, Duration every, Consumer<List<ControlRequest>> apply) {
    synchronized (this) {
      if (over) {
        return;
      }
      polling = scheduler.schedule(() -> {
        synchronized (this) {
          if (over) {
            return; // ended, or the lease was lost, after this poll was scheduled
          }
        }
        List<ControlRequest> requests;
        try {
          requests = store.requests(campaignId);
        } catch (MoltException e) {
          LOG.warn("campaign={} action=poll-controls failed (retried in {}): {}", campaignId,
              every, e.getMessage());
          requests = List.of();
        }
        if (!requests.isEmpty()) {
          apply.accept(requests);
        }
        pollControls(campaignId, every, apply);
      }, every);
    }
  }

  /** Stops renewing and, if {@code release}, gives the lease back (else it lapses). */
  synchronized void stop(boolean release) {
    if (over) {
      return;
    }
    over = true;
    renewal.cancel();
    polling.cancel();
    if (release) {
      release(saved == null ? lease.fleet() : saved.id());
    }
  }

  private void release(String campaignId) {
    try {
      store.release(lease);
    } catch (MoltException e) {
      LOG.warn("campaign={} lease={} action=release failed: {}", campaignId, lease.fleet(),
          e.getMessage());
    }
  }

  private synchronized void scheduleRenewal() {
    if (!over) {
      renewal = scheduler.schedule(this::renew, ttl.dividedBy(3));
    }
  }

  private void renew() {
    String id;
    synchronized (this) {
      if (over) {
        return;
      }
      id = saved == null ? lease.fleet() : saved.id();
      try {
        lease = store.renew(lease, clock.instant(), ttl);
      } catch (StaleLeaseException e) {
        lose(id, "its lease " + lease.fleet() + " was granted to another process");
        return;
      } catch (MoltException e) {
        if (!lease.isHeldAt(clock.instant())) {
          lose(id, "its lease " + lease.fleet() + " lapsed while the store could not renew it: "
              + e.getMessage());
          return;
        }
        LOG.warn("campaign={} lease={} action=renew failed (retried): {}", id, lease.fleet(),
            e.getMessage());
      }
    }
    scheduleRenewal();
  }

  private void lose(String campaignId, String why) {
    over = true;
    renewal.cancel();
    polling.cancel();
    LOG.warn("campaign={} lease={} action=stop: {}", campaignId, lease.fleet(), why);
    scheduler.schedule(() -> lost.accept(why), Duration.ZERO);
  }
}
