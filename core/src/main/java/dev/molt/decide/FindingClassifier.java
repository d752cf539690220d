package dev.molt.decide;

import dev.molt.Durations;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.reconcile.Finding;
import dev.molt.reconcile.Finding.Kind;
import dev.molt.reconcile.Finding.Outcome;
import dev.molt.reconcile.Finding.Remedy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Sorts an observed fleet (owned instances only) against its declared revision into reconcile
 * findings, and tells the rolling planner which target-revision instances to retire and which to
 * hold. Pure: no I/O, no clock reads. Not API.
 *
 * <p>In order, for each live instance:
 *
 * <ol>
 *   <li>draining or drained: {@code ORPHAN}, left draining (the planner terminates it when drained);
 *   <li>carries the taint label: {@code TAINTED}, replaced;
 *   <li>another revision, serving: {@code DRIFTED}, replaced; not serving (launching, failed,
 *       unhealthy): {@code ORPHAN}, terminated;
 *   <li>the declared revision, launched by this run: not a finding (a new instance, which the
 *       rolling planner replaces if it is not healthy by its deadline, within the replacement
 *       budget, so a bad declared image fails the run instead of being replaced forever);
 *   <li>the declared revision and failed, or unhealthy for at least the grace period: {@code
 *       UNHEALTHY}, replaced; unhealthy for less: {@code UNHEALTHY}, held until the grace ends.
 * </ol>
 *
 * Replacements are bounded by capacity: {@code room = desired - kept - held} declared instances will
 * be launched; unhealthy, tainted and drifted instances take that room in this order, and those
 * beyond it (and kept declared instances beyond {@code desired}, newest first) are surplus: {@code
 * ORPHAN}, terminated.
 */
public final class FindingClassifier {
  /** Who gets the room for replacements first: those that do not serve, then the marked. */
  private static final List<Kind> REPLACE_ORDER = List.of(Kind.UNHEALTHY, Kind.TAINTED,
      Kind.DRIFTED);

  /**
   * The classification.
   *
   * @param findings the findings, in fleet order, all {@link Outcome#PLANNED}
   * @param retire target-revision instances the planner must treat as old
   * @param hold target-revision instances the planner must leave alone for now
   * @param wakeAt when the earliest grace period ends, if any is running
   */
  public record Result(
      List<Finding> findings, Set<String> retire, Set<String> hold, Optional<Instant> wakeAt) {}

  private final Revision declared;
  private final String declaredVersion;
  private final Duration grace;
  private final Function<Revision, Optional<LaunchSpec>> known;
  private final String runId;

  /**
   * @param declared what the fleet should run
   * @param grace how long a declared instance may fail its health check
   * @param known launch specs by revision, to name drifted images
   * @param runId the id of the run classifying: instances it launched itself are new instances,
   *     judged by the rolling planner's healthy deadline and replacement budget, not by the grace
   */
  public FindingClassifier(LaunchSpec declared, Duration grace,
      Function<Revision, Optional<LaunchSpec>> known, String runId) {
    this.runId = runId;
    this.declared = declared.revision();
    this.declaredVersion = declared.image().version();
    this.grace = grace;
    this.known = known;
  }

  /**
   * Classifies one observation.
   *
   * @param fleet the observed fleet; its desired capacity bounds the replacements
   * @param unhealthySince when each unhealthy instance was first seen failing
   * @param now the observation time
   * @return the classification
   */
  public Result classify(Fleet fleet, Map<String, Instant> unhealthySince, Instant now) {
    Buckets b = new Buckets();
    for (Instance i : fleet.instances()) {
      sort(i, b, unhealthySince, now);
    }
    int room = fleet.desiredCapacity() - b.kept.size() - b.held.size();
    for (int n = b.kept.size() - 1; n >= 0 && room < 0; n--, room++) {
      Instance surplus = b.kept.get(n);
      b.add(surplus, Kind.ORPHAN, "surplus: more instances of the declared revision than the"
          + " desired capacity " + fleet.desiredCapacity(), Remedy.TERMINATE);
      b.retire.add(surplus.id());
    }
    b.pending.sort(Comparator.comparingInt(p -> REPLACE_ORDER.indexOf(p.kind())));
    for (Pending p : b.pending) {
      boolean replaced = room-- > 0;
      if (replaced || p.kind != Kind.DRIFTED) {
        b.add(p.instance, p.kind, p.reason, replaced ? Remedy.REPLACE : Remedy.TERMINATE);
      } else {
        b.add(p.instance, Kind.ORPHAN, "surplus: " + p.reason + ", beyond the desired capacity "
            + fleet.desiredCapacity(), Remedy.TERMINATE);
      }
    }
    List<Finding> ordered = fleet.instances().stream().map(i -> b.findings.get(i.id()))
        .filter(Objects::nonNull).toList();
    return new Result(ordered, b.retire, b.heldIds(), b.wake.earliest());
  }

  private void sort(Instance i, Buckets b, Map<String, Instant> unhealthySince, Instant now) {
    if (i.state() == InstanceState.TERMINATED) {
      return;
    }
    if (i.state().isDraining()) {
      b.add(i, Kind.ORPHAN, "left " + i.state().name().toLowerCase(Locale.ROOT) + " since " + i.stateSince()
          + " by " + launcher(i), Remedy.TERMINATE);
    } else if (i.taint().isPresent()) {
      b.pending(i, Kind.TAINTED, "tainted: " + i.taint().get(), true);
    } else if (!i.revision().equals(declared)) {
      if (i.isHealthy()) {
        b.pending(i, Kind.DRIFTED, "runs " + describe(i.revision()) + ", not the declared "
            + declared + " (" + declaredVersion + ")", false);
      } else {
        b.add(i, Kind.ORPHAN, "runs " + describe(i.revision()) + ", which is not declared, and"
            + " does not serve (" + i.state() + "); left by " + launcher(i), Remedy.TERMINATE);
      }
    } else if (runId.equals(i.labels().get(OwnerLabels.ROLLOUT))) {
      b.kept.add(i);
    } else {
      sortDeclared(i, b, unhealthySince, now);
    }
  }

  private void sortDeclared(Instance i, Buckets b, Map<String, Instant> unhealthySince,
      Instant now) {
    if (i.state() == InstanceState.FAILED) {
      b.pending(i, Kind.UNHEALTHY, "failed (" + i.state() + " since " + i.stateSince() + ")",
          true);
    } else if (i.state() == InstanceState.UNHEALTHY) {
      Instant since = unhealthySince.getOrDefault(i.id(), now);
      Instant graceEnds = since.plus(grace);
      String failing = "failing its health check since " + since + " ("
          + Durations.text(Duration.between(since, now)) + ", grace " + Durations.text(grace) + ")";
      if (now.isBefore(graceEnds)) {
        b.add(i, Kind.UNHEALTHY, failing + "; replaced at " + graceEnds + " if still failing",
            Remedy.REPLACE_IF_STILL_FAILING);
        b.held.add(i);
        b.wake(graceEnds);
      } else {
        b.pending(i, Kind.UNHEALTHY, failing, true);
      }
    } else {
      b.kept.add(i);
    }
  }

  private String describe(Revision revision) {
    return "revision " + revision + known.apply(revision)
        .map(s -> " (" + s.image().version() + ", " + s.image().reference() + ")").orElse("");
  }

  private static String launcher(Instance i) {
    return "rollout " + i.labels().getOrDefault(OwnerLabels.ROLLOUT, "unknown");
  }

  private record Pending(Instance instance, Kind kind, String reason) {}

  private static final class Buckets {
    final Map<String, Finding> findings = new HashMap<>();
    final List<Instance> kept = new ArrayList<>();
    final List<Instance> held = new ArrayList<>();
    final List<Pending> pending = new ArrayList<>();
    final Set<String> retire = new HashSet<>();
    final WakeUp wake = new WakeUp();

    void add(Instance i, Kind kind, String reason, Remedy remedy) {
      findings.put(i.id(), new Finding(i.id(), kind, i.revision(), reason, remedy,
          Outcome.PLANNED));
    }

    /** Queues a replacement candidate (sorted by {@link #REPLACE_ORDER} once all are in). */
    void pending(Instance i, Kind kind, String reason, boolean retireIt) {
      pending.add(new Pending(i, kind, reason));
      if (retireIt) {
        retire.add(i.id());
      }
    }

    Set<String> heldIds() {
      Set<String> ids = new HashSet<>();
      held.forEach(i -> ids.add(i.id()));
      return ids;
    }

    void wake(Instant at) {
      wake.at(at);
    }
  }
}
