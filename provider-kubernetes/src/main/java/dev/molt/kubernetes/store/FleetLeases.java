package dev.molt.kubernetes.store;

import dev.molt.store.Lease;
import dev.molt.store.StaleLeaseException;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleets' {@code coordination.k8s.io/v1} Lease objects, one per fleet ({@code
 * molt-fleet-<fleet>-<hash>}): {@code spec.holderIdentity} is the holder (absent once released),
 * {@code acquireTime} and {@code renewTime} the callers' times, {@code leaseDurationSeconds} the
 * TTL rounded up, and {@code leaseTransitions} mirrors the fencing token for {@code kubectl}
 * readers. The exact values are annotations: {@value StoreObjects#TOKEN} (the fleet's newest
 * token, a {@code long}, kept after a release) and {@value StoreObjects#EXPIRES_AT}; {@value
 * StoreObjects#WRITTEN} lists the rollout and campaign objects written under the current token,
 * which the next grant fences (see {@link KubernetesRolloutStore}). Every write is a
 * compare-and-swap on the object's resourceVersion, repeated on 409 after reading again, at most
 * {@link StoreCalls#ATTEMPTS} times, without waiting.
 */
final class FleetLeases {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRolloutStore.class);

  /** A fleet's Lease object as read, and what it says. */
  record Held(io.fabric8.kubernetes.api.model.coordination.v1.Lease object,
      Optional<Lease> current, long newestToken, Map<String, Long> written) {}

  private final KubernetesClient client;
  private final String namespace;
  private final StoreCalls calls;
  private final FencedMaps fenced;

  FleetLeases(KubernetesClient client, String namespace, StoreCalls calls,
      FencedMaps fenced) {
    this.client = client;
    this.namespace = namespace;
    this.calls = calls;
    this.fenced = fenced;
  }

  /** @return the fleet's Lease object, if there is one; a foreign object of its name refused */
  Optional<Held> read(String fleet) {
    String name = StoreObjects.leaseName(fleet);
    var object = calls.call("read Lease " + name + " of fleet " + fleet,
        () -> leases().withName(name).get());
    if (object == null) {
      return Optional.empty();
    }
    if (!StoreObjects.isOurs(object, StoreObjects.LEASE)
        || !StoreObjects.annotation(object, StoreObjects.FLEET).filter(fleet::equals).isPresent()) {
      throw new StoreException("Lease " + name + " in namespace " + namespace + " is not Molt's"
          + " lease of fleet " + fleet + " (labels or the " + StoreObjects.FLEET + " annotation"
          + " differ); Molt never changes it. Delete or rename it, or give the store another"
          + " namespace");
    }
    long token = StoreObjects.number(object, StoreObjects.TOKEN);
    String holder = object.getSpec() == null ? null : object.getSpec().getHolderIdentity();
    Optional<Lease> current = holder == null || holder.isEmpty() ? Optional.empty()
        : Optional.of(new Lease(fleet, holder, expiry(object), token));
    return Optional.of(new Held(object, current, token, written(object)));
  }

  /**
   * Grants the fleet's lease by the shared rule ({@link Lease#claim}) in one compare-and-swap,
   * then fences the rollout and campaign objects written under older tokens before returning it.
   */
  Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    String what = "acquire the lease of fleet " + fleet + " for '" + holder + "'";
    for (int attempt = 0; attempt < StoreCalls.ATTEMPTS; attempt++) {
      Optional<Held> held = read(fleet);
      Lease granted = Lease.claim(held.flatMap(Held::current),
          held.map(Held::newestToken).orElse(0L), fleet, holder, now, ttl);
      try {
        write(held, granted, now, ttl);
      } catch (KubernetesClientException e) {
        if (!StoreCalls.conflict(e)) {
          throw calls.failure(what, e);
        }
        LOG.debug("fleet={} holder={} action=acquire conflict=409 attempt={}", fleet, holder,
            attempt + 1);
        continue;
      }
      Map<String, Long> older = held.map(Held::written).orElse(Map.of());
      fence(granted, older);
      Optional<Lease> before = held.flatMap(Held::current);
      LOG.info("fleet={} holder={} token={} action=lease-granted expiresAt={}{}", fleet, holder,
          granted.token(), granted.expiresAt(), before.filter(b -> !b.holder().equals(holder))
              .map(b -> " takenOverFrom=" + b.holder()).orElse(""));
      return granted;
    }
    throw calls.contended(what);
  }

  /** Extends {@code lease} by the shared rule ({@link Lease#extend}), keeping its token. */
  Lease renew(Lease lease, Instant now, Duration ttl) {
    String what = "renew the lease of fleet " + lease.fleet();
    Lease[] renewed = new Lease[1];
    change(lease.fleet(), what, held -> {
      renewed[0] = Lease.extend(held.flatMap(Held::current),
          held.map(Held::newestToken).orElse(0L), lease, now, ttl);
      var object = held.get().object();
      object.getSpec().setRenewTime(now.atZone(ZoneOffset.UTC));
      object.getSpec().setLeaseDurationSeconds(seconds(ttl));
      object.getMetadata().getAnnotations().put(StoreObjects.EXPIRES_AT,
          renewed[0].expiresAt().toString());
      return object;
    });
    LOG.debug("fleet={} holder={} token={} action=lease-renewed expiresAt={}", lease.fleet(),
        lease.holder(), lease.token(), renewed[0].expiresAt());
    return renewed[0];
  }

  /** Releases {@code lease} if it is the fleet's current one; the newest token stays. */
  void release(Lease lease) {
    boolean[] released = new boolean[1];
    change(lease.fleet(), "release the lease of fleet " + lease.fleet(), held -> {
      if (held.flatMap(Held::current).filter(c -> c.token() == lease.token()
          && c.holder().equals(lease.holder())).isEmpty()) {
        return null; // released already, or superseded: nothing to do
      }
      var object = held.get().object();
      object.getSpec().setHolderIdentity(null);
      object.getMetadata().getAnnotations().remove(StoreObjects.EXPIRES_AT);
      released[0] = true;
      return object;
    });
    if (released[0]) {
      LOG.info("fleet={} holder={} token={} action=lease-released", lease.fleet(),
          lease.holder(), lease.token());
    }
  }

  /**
   * Admits a save of object {@code name} (a rollout's or a campaign's) under {@code writer}:
   * checks that the writer's lease is the fleet's newest ({@link Lease#requireCurrent}) and, if
   * the object is not yet listed as written under the writer's token, lists it, in the same
   * compare-and-swap, so that the next grant fences it.
   *
   * @throws StaleLeaseException if the writer's lease is not the fleet's newest
   */
  void admit(Lease writer, String name, String what) {
    change(writer.fleet(), what, held -> {
      Lease.requireCurrent(held.flatMap(Held::current), held.map(Held::newestToken).orElse(0L),
          writer, what);
      if (Long.valueOf(writer.token()).equals(held.get().written().get(name))) {
        return null; // listed already: the read alone was the check
      }
      Map<String, Long> written = new LinkedHashMap<>(held.get().written());
      written.put(name, writer.token());
      var object = held.get().object();
      object.getMetadata().getAnnotations().put(StoreObjects.WRITTEN, encode(written));
      return object;
    });
  }

  /** @return the refusal of {@code writer}, naming the fleet's newest token and holder now */
  StaleLeaseException stale(Lease writer, String what) {
    Optional<Held> held = read(writer.fleet());
    return new StaleLeaseException(writer, held.map(Held::newestToken).orElse(0L),
        held.flatMap(Held::current).map(Lease::holder), what);
  }

  /**
   * Fences every object (a rollout's or a campaign's) written under a token older than {@code
   * granted}'s (so that no stale writer can write it any more), then drops those entries from
   * the list. An object another lease fences is left as it is ({@link FencedMaps#fence}).
   */
  private void fence(Lease granted, Map<String, Long> written) {
    written.forEach((name, token) -> {
      if (token < granted.token()) {
        fenced.fence(name, granted);
      }
    });
    if (written.values().stream().noneMatch(t -> t < granted.token())) {
      return;
    }
    change(granted.fleet(), "fence the rollouts of fleet " + granted.fleet(), held -> {
      Map<String, Long> left = held.map(Held::written).orElse(Map.of()).entrySet().stream()
          .filter(e -> e.getValue() >= granted.token()).collect(Collectors.toMap(
              Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
      if (held.isEmpty() || left.size() == held.get().written().size()) {
        return null;
      }
      var object = held.get().object();
      object.getMetadata().getAnnotations().put(StoreObjects.WRITTEN, encode(left));
      return object;
    });
  }

  /**
   * Reads the fleet's Lease, lets {@code edit} decide (null: no write), and writes the result
   * guarded by the resourceVersion read; on 409 reads and decides again.
   */
  private void change(String fleet, String what,
      Function<Optional<Held>,
          io.fabric8.kubernetes.api.model.coordination.v1.Lease> edit) {
    for (int attempt = 0; attempt < StoreCalls.ATTEMPTS; attempt++) {
      var changed = edit.apply(read(fleet));
      if (changed == null) {
        return;
      }
      try {
        leases().resource(changed).update();
        return;
      } catch (KubernetesClientException e) {
        if (!StoreCalls.conflict(e)) {
          throw calls.failure(what, e);
        }
        LOG.debug("fleet={} action=\"{}\" conflict=409 attempt={}", fleet, what, attempt + 1);
      }
    }
    throw calls.contended(what);
  }

  /** Creates the fleet's Lease object with {@code granted}, or updates the one read (guarded). */
  private void write(Optional<Held> held, Lease granted, Instant now, Duration ttl) {
    if (held.isPresent()) {
      grant(held.get().object(), granted, now, ttl);
      leases().resource(held.get().object()).update();
      return;
    }
    var object = new io.fabric8.kubernetes.api.model.coordination.v1.Lease();
    object.setMetadata(StoreObjects.meta(StoreObjects.leaseName(granted.fleet()),
        StoreObjects.LEASE, Map.of(StoreObjects.FLEET_KEY, StoreObjects.key(granted.fleet())),
        Map.of(StoreObjects.FLEET, granted.fleet())));
    grant(object, granted, now, ttl);
    leases().resource(object).create();
  }

  private static void grant(io.fabric8.kubernetes.api.model.coordination.v1.Lease object,
      Lease granted, Instant now, Duration ttl) {
    if (object.getSpec() == null) {
      object.setSpec(new LeaseSpec());
    }
    LeaseSpec spec = object.getSpec();
    spec.setHolderIdentity(granted.holder());
    spec.setAcquireTime(now.atZone(ZoneOffset.UTC));
    spec.setRenewTime(now.atZone(ZoneOffset.UTC));
    spec.setLeaseDurationSeconds(seconds(ttl));
    spec.setLeaseTransitions((int) Math.min(granted.token(), Integer.MAX_VALUE));
    ObjectMeta meta = object.getMetadata();
    if (meta.getAnnotations() == null) {
      meta.setAnnotations(new LinkedHashMap<>());
    }
    meta.getAnnotations().put(StoreObjects.TOKEN, Long.toString(granted.token()));
    meta.getAnnotations().put(StoreObjects.EXPIRES_AT, granted.expiresAt().toString());
  }

  private static int seconds(Duration ttl) {
    long whole = ttl.toSeconds() + (ttl.toNanosPart() > 0 ? 1 : 0);
    return (int) Math.min(Math.max(1, whole), Integer.MAX_VALUE);
  }

  private static Instant expiry(HasMetadata object) {
    Optional<String> text = StoreObjects.annotation(object, StoreObjects.EXPIRES_AT);
    try {
      return Instant.parse(text.orElseThrow());
    } catch (RuntimeException e) {
      throw new StoreException("Lease " + object.getMetadata().getName() + " has a holder but"
          + " annotation " + StoreObjects.EXPIRES_AT + " is " + text.map(t -> "'" + t + "'")
              .orElse("missing") + "; was it edited by hand? Restore it, or release the lease"
          + " by removing spec.holderIdentity", e);
    }
  }

  /** @return the {@value StoreObjects#WRITTEN} entries: rollout object name to token */
  private static Map<String, Long> written(HasMetadata object) {
    Map<String, Long> out = new LinkedHashMap<>();
    String text = StoreObjects.annotation(object, StoreObjects.WRITTEN).orElse("");
    for (String entry : text.split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        try {
          out.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
        } catch (NumberFormatException e) {
          throw new StoreException("annotation " + StoreObjects.WRITTEN + " of Lease "
              + object.getMetadata().getName() + " has entry '" + entry + "', not"
              + " name=token; was it edited by hand?", e);
        }
      }
    }
    return out;
  }

  private static String encode(Map<String, Long> written) {
    return written.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private NonNamespaceOperation<io.fabric8.kubernetes.api.model.coordination.v1.Lease, LeaseList,
      Resource<io.fabric8.kubernetes.api.model.coordination.v1.Lease>> leases() {
    return client.resources(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class,
        LeaseList.class).inNamespace(namespace);
  }
}
