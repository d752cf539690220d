package dev.molt.kubernetes.store;

import dev.molt.Arguments;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.store.ControlRequest;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import dev.molt.store.SavedCampaign;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RolloutStore} in a Kubernetes namespace, for engines that run on a cluster (replicas of
 * a deployment service) and share fleets without a database:
 *
 * <pre>{@code
 * KubernetesClient client = new KubernetesClientBuilder().build();
 * RolloutStore store = KubernetesRolloutStore.builder(client).namespace("molt").build();
 * RolloutEngine engine = RolloutEngine.builder(provider).store(store).identity(podName).build();
 * }</pre>
 *
 * <p><b>Objects.</b> Each fleet's lease is a {@code coordination.k8s.io/v1} Lease ({@code
 * molt-fleet-<fleet>-<hash>}; {@code holderIdentity}, {@code acquireTime}, {@code renewTime},
 * {@code leaseDurationSeconds}; the fencing token in annotation {@code molt.dev/fencing-token},
 * mirrored in {@code leaseTransitions}). Each rollout's record is a ConfigMap ({@code
 * molt-rollout-<id>-<hash>}), each campaign's state one ({@code molt-campaign-<id>-<hash>},
 * fenced by the campaign's lease as a record is by its fleet's), each control request a ConfigMap
 * of its own. All carry {@code
 * molt.dev/managed-by=molt} and {@code molt.dev/store-object}; the store lists by those labels and
 * refuses to change an object of its names without them. Every write is a compare-and-swap on the
 * resourceVersion it read: a 409 Conflict means another writer came first, and the operation reads
 * again and re-checks its rule, at most 16 times, without waiting (no sleep). Expiries are
 * compared with the callers' {@code now}, never the API server's clock.
 *
 * <p><b>Fencing across two objects.</b> Kubernetes has no multi-object transaction, and a grant
 * writes the Lease while a save writes the record's ConfigMap, so the Lease check alone cannot stop
 * a writer that checked the Lease, paused, and wrote after a takeover. The fence is therefore kept
 * in the object the save is conditioned on: each rollout (and campaign) ConfigMap carries {@code
 * molt.dev/fence}, the highest token that wrote or fenced it, and a save writes only if that fence
 * is not above its token. A grant raises the fence of every object written under an older token
 * before {@code acquire} returns; it knows them because a save first lists its object on the
 * Lease ({@code molt.dev/written-under-token}, {@code name=token}), in a compare-and-swap of the
 * Lease that also checks the writer's lease is current. An object names the lease that fences it
 * ({@code molt.dev/fleet}); a save under another lease is refused and a grant of another lease
 * leaves it alone, since two leases' tokens are not comparable. So for a writer with token {@code
 * t} and a grant of {@code g > t}:
 *
 * <ol>
 *   <li>If the writer's Lease read or listing came after the grant's Lease write, it sees {@code g}
 *       (or its listing fails with 409 and the re-read sees {@code g}): refused.
 *   <li>Otherwise its listing came first, so the grant's compare-and-swap succeeded on a Lease
 *       that lists the object under {@code t} (entries go only once a later grant fenced them),
 *       and the grant raises that object's fence to {@code g} before returning. The writer's
 *       ConfigMap write carries the resourceVersion of its read: if it read before the fence
 *       write, its write fails with 409 (or lands first, and then the fence write fails with 409
 *       and is redone over it); its retry reads the Lease again and is refused. If it read after,
 *       it sees the fence {@code g > t}: refused. An object listed but not yet created is created
 *       empty by the grant (a tombstone), so a late create fails with 409 too.
 * </ol>
 *
 * Hence no save under {@code t} lands after {@code acquire} returned {@code g}: the new holder and
 * a stale holder cannot both write. A grant counts from the moment {@code acquire} returns; one
 * that died between its Lease write and its fencing never acted, and the next grant fences the
 * same objects (the entries stay until a grant fenced them).
 *
 * <p>The Lease's {@code leaseTransitions} is an {@code int}; the token is a {@code long}, so the
 * annotation is the authority (the mirror stops at {@code Integer.MAX_VALUE}). Records are kept
 * whole in one ConfigMap, so one record must stay under the API server's object limit (about 1
 * MiB). Finished records stay as an audit trail. {@link #launchSpec} and {@link #unfinished} list
 * the namespace's rollout objects. Control requests are polled (no watch yet).
 *
 * <p>Thread-safe: every operation is a few API calls on the given client, which the caller owns
 * and closes. An API failure is a {@link StoreException} naming the operation, the object and the
 * namespace (403 names the RBAC verbs needed, see {@code docs/store-kubernetes.md}).
 */
public final class KubernetesRolloutStore implements RolloutStore {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRolloutStore.class);
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final String namespace;
  private final StoreCalls calls;
  private final RolloutObjects rollouts;
  private final CampaignObjects campaigns;
  private final FleetLeases leases;
  private final ControlObjects controls;

  private KubernetesRolloutStore(Builder b) {
    this.namespace = b.namespace;
    this.calls = new StoreCalls(namespace);
    FencedMaps fenced = new FencedMaps(b.client, namespace, calls);
    this.rollouts = new RolloutObjects(fenced);
    this.campaigns = new CampaignObjects(fenced);
    this.leases = new FleetLeases(b.client, namespace, calls, fenced);
    this.controls = new ControlObjects(b.client, namespace, calls);
  }

  /**
   * Starts a builder.
   *
   * @param client the client to the cluster; the store never closes it
   * @return a builder for the client's namespace ({@code default} if it has none)
   */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Arguments.required(client, "client"));
  }

  /** @return the namespace the store's objects live in */
  public String namespace() {
    return namespace;
  }

  @Override
  public void save(Lease writer, RolloutRecord record) {
    Lease.requireFleet(writer, record);
    fencedSave(writer, StoreObjects.rolloutName(record.id()), "rollout " + record.id(),
        "rollout " + record.id() + " of fleet " + record.fleet(),
        () -> rollouts.write(writer, record));
    LOG.debug("rollout={} fleet={} token={} action=saved phase={}", record.id(),
        record.fleet(), writer.token(), record.rollout().phase());
  }

  /** Always true: a campaign's state is a ConfigMap fenced by its lease, as a rollout's record. */
  @Override
  public boolean keepsCampaigns() {
    return true;
  }

  @Override
  public void saveCampaign(Lease writer, SavedCampaign campaign) {
    Arguments.required(campaign, "campaign").requireWriter(writer);
    campaigns.requireSameLease(campaign);
    String subject = "campaign " + campaign.id();
    fencedSave(writer, StoreObjects.campaignName(campaign.id()), subject, subject,
        () -> campaigns.write(writer, campaign));
    LOG.debug("campaign={} lease={} token={} action=saved finished={}", campaign.id(),
        campaign.lease(), writer.token(), campaign.finished());
  }

  @Override
  public Optional<SavedCampaign> campaign(String campaignId) {
    return campaigns.load(Arguments.notBlank(campaignId, "campaignId"));
  }

  @Override
  public List<SavedCampaign> unfinishedCampaigns() {
    return campaigns.unfinished();
  }

  /**
   * Lists object {@code name} on the writer's lease while checking the lease is current, then
   * writes it if its fence allows; again on a 409, at most {@link StoreCalls#ATTEMPTS} times.
   *
   * @param subject what is saved, as errors name it ({@code rollout ro-1})
   * @param described the same for a refusal ({@code rollout ro-1 of fleet web})
   */
  private void fencedSave(Lease writer, String name, String subject, String described,
      Supplier<FencedMaps.Outcome> write) {
    String what = "save of " + subject;
    for (int attempt = 0; attempt < StoreCalls.ATTEMPTS; attempt++) {
      leases.admit(writer, name, what);
      switch (write.get()) {
        case WRITTEN -> {
          return;
        }
        case FENCED -> throw refusal(writer, what, described);
        case CONFLICT -> {
          // another writer changed the object since it was read: check the lease again
        }
        default -> throw new IllegalStateException("unknown outcome");
      }
    }
    throw calls.contended("save " + subject);
  }

  private StoreException refusal(Lease writer, String what, String object) {
    StaleLeaseException stale = leases.stale(writer, what);
    if (stale.newestToken() == writer.token()
        && stale.newestHolder().filter(writer.holder()::equals).isPresent()) {
      return new StoreException("refused to save " + object + ": its ConfigMap was fenced by a"
          + " newer token than the lease " + writer.fleet() + " has; was the Lease object"
          + " deleted and created again?");
    }
    return stale;
  }

  @Override
  public Optional<RolloutRecord> load(String rolloutId) {
    return rollouts.load(Arguments.notBlank(rolloutId, "rolloutId"));
  }

  @Override
  public List<RolloutRecord> unfinished() {
    List<RolloutRecord> out = new ArrayList<>(rollouts.list(Map.of(StoreObjects.FINISHED,
        "false")).stream().filter(r -> !r.isFinished()).toList());
    out.sort(Comparator.comparing((RolloutRecord r) -> r.rollout().startedAt())
        .thenComparing(RolloutRecord::id));
    return out;
  }

  @Override
  public Optional<LaunchSpec> launchSpec(Revision revision) {
    Arguments.required(revision, "revision");
    return RolloutStore.launchSpecIn(rollouts.list(Map.of()), revision);
  }

  @Override
  public void request(ControlRequest request) {
    controls.request(Arguments.required(request, "request"));
  }

  @Override
  public List<ControlRequest> requests(String rolloutId) {
    return controls.requests(Arguments.notBlank(rolloutId, "rolloutId"));
  }

  @Override
  public Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    Lease.requireGrantArguments(fleet, holder, now, ttl);
    return leases.acquire(fleet, holder, now, ttl);
  }

  @Override
  public Lease renew(Lease lease, Instant now, Duration ttl) {
    Lease.requireRenewalArguments(lease, now, ttl);
    return leases.renew(lease, now, ttl);
  }

  @Override
  public void release(Lease lease) {
    leases.release(Arguments.required(lease, "lease"));
  }

  @Override
  public Optional<Lease> lease(String fleet) {
    return leases.read(Arguments.notBlank(fleet, "fleet")).flatMap(FleetLeases.Held::current);
  }

  /** Configures a {@link KubernetesRolloutStore}. Not thread-safe. */
  public static final class Builder {
    private final KubernetesClient client;
    private String namespace;

    private Builder(KubernetesClient client) {
      this.client = client;
      String own = client.getNamespace();
      this.namespace = own == null || own.isBlank() ? "default" : own;
    }

    /**
     * Sets the namespace of the store's objects (default: the client's, else {@code default});
     * engines sharing fleets must use the same one. It must exist.
     *
     * @param name a Kubernetes namespace name
     * @return this builder
     * @throws InvalidSpecException if it is not a namespace name
     */
    public Builder namespace(String name) {
      Arguments.notBlank(name, "namespace");
      if (!NAMESPACE.matcher(name).matches()) {
        throw new InvalidSpecException("namespace", "'" + name + "' is not a Kubernetes"
            + " namespace name: lowercase letters, digits and -, at most 63, starting and ending"
            + " with a letter or digit");
      }
      this.namespace = name;
      return this;
    }

    /** @return the store; it makes no API call until used */
    public KubernetesRolloutStore build() {
      return new KubernetesRolloutStore(this);
    }
  }
}
