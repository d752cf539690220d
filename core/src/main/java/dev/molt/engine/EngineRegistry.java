package dev.molt.engine;

import dev.molt.FleetBusyException;
import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.store.RolloutStore;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one engine holds: the run acting on each fleet, the launch specs it knows, and fresh ids.
 * The one place that decides whether a run may act on a fleet: within the engine, one run per
 * fleet; across engines sharing the store, the fleet's lease (taken through {@link
 * RolloutPersistence}, renewed while the run lasts, and carried with every save as its fencing
 * token). Thread-safe.
 */
final class EngineRegistry {
  private final Map<String, RolloutRun> active = new ConcurrentHashMap<>();
  private final Map<Revision, LaunchSpec> known = new ConcurrentHashMap<>();
  private final RolloutStore store;
  private final Random random;

  /**
   * @param store where rollouts are kept: ids are never reused, specs of other engines are found
   * @param random the source of ids (seeded for reproducible runs)
   */
  public EngineRegistry(RolloutStore store, Random random) {
    this.store = store;
    this.random = random;
  }

  /**
   * Gives {@code fleet} to {@code run}, or refuses.
   *
   * @throws FleetBusyException if another run of this engine acts on the fleet
   * @throws dev.molt.store.FleetLockedException if another engine holds the fleet's lease
   */
  public void claim(String fleet, RolloutRun run, int resumes, RolloutPersistence persistence) {
    RolloutRun existing = active.putIfAbsent(fleet, run);
    if (existing != null) {
      throw new FleetBusyException(fleet, existing.id(), "phase " + existing.current().phase());
    }
    try {
      persistence.track(run, resumes, persistence.leaseFor(fleet));
    } catch (RuntimeException e) {
      active.remove(fleet, run);
      throw e;
    }
  }

  /** Forgets {@code run} once it ended: its fleet is free again within this engine. */
  public void release(RolloutRun run) {
    active.values().remove(run);
  }

  /** @return whether a run of this engine acts on {@code fleet} */
  public boolean isActive(String fleet) {
    return active.containsKey(fleet);
  }

  /** @return the run acting on {@code fleet}, if any */
  public Optional<RolloutRun> active(String fleet) {
    return Optional.ofNullable(active.get(fleet));
  }

  /** @return the run of id {@code rolloutId}, if this engine runs it */
  public Optional<RolloutRun> find(String rolloutId) {
    return active.values().stream().filter(r -> r.id().equals(rolloutId)).findFirst();
  }

  /** Forgets every run and returns them, for a stopping engine. */
  public List<RolloutRun> clear() {
    List<RolloutRun> runs = List.copyOf(active.values());
    active.clear();
    return runs;
  }

  /** Remembers how to launch {@code spec}'s revision. */
  public void remember(LaunchSpec spec) {
    known.put(spec.revision(), spec);
  }

  /** @return every launch spec this engine remembers */
  public List<LaunchSpec> knownSpecs() {
    return List.copyOf(known.values());
  }

  /** @return the launch spec of {@code revision} if remembered (nothing else is consulted) */
  public Optional<LaunchSpec> remembered(Revision revision) {
    return Optional.ofNullable(known.get(revision));
  }

  /** @return the launch spec of {@code revision}: remembered, or found in the store */
  public Optional<LaunchSpec> knownSpec(Revision revision) {
    Optional<LaunchSpec> spec = remembered(revision);
    if (spec.isPresent()) {
      return spec;
    }
    Optional<LaunchSpec> stored = store.launchSpec(revision); // another engine's rollout knew it
    stored.ifPresent(this::remember);
    return stored;
  }

  /**
   * @param prefix {@code ro-} for rollouts, {@code rc-} for reconciles
   * @return a new id that the store has never seen: engines sharing a store may share a seed too
   */
  public String newId(String prefix) {
    byte[] bytes = new byte[4];
    String id;
    do {
      synchronized (random) {
        random.nextBytes(bytes);
      }
      id = prefix + HexFormat.of().formatHex(bytes);
    } while (store.load(id).isPresent());
    return id;
  }
}
