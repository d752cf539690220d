package dev.molt.timeline;

import dev.molt.Durations;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the picture shows, read once from a rollout's history: instance counts over time, the
 * traffic splits, step boundaries, waits, analyses with their measurements, and the moments that
 * ended or reversed the rollout. Everything is in the events; nothing is observed again. Immutable.
 *
 * @param rollout the rollout drawn
 * @param start the left edge: when the rollout started (or its first event, if earlier)
 * @param end the right edge: its last event or snapshot, at least a second after {@code start}
 * @param revisions every revision seen, the previous one first, then the target, then others
 * @param instances the counts per revision and state, at each change (from OBSERVED events)
 * @param traffic the splits, oldest first
 * @param steps the strategy step boundaries
 * @param waits pauses and timed waits
 * @param analyses the analyses, with their measurements
 * @param marks single moments: instance failures, provider errors, the rollback, the end
 */
record Story(Rollout rollout, Instant start, Instant end, List<String> revisions,
    List<Counts> instances, List<Split> traffic, List<Boundary> steps, List<Span> waits,
    List<Analysis> analyses, List<Mark> marks) {

  /** Copies the lists. */
  Story {
    revisions = List.copyOf(revisions);
    instances = List.copyOf(instances);
    traffic = List.copyOf(traffic);
    steps = List.copyOf(steps);
    waits = List.copyOf(waits);
    analyses = List.copyOf(analyses);
    marks = List.copyOf(marks);
  }

  /** Instance counts from one moment on: revision id to state name to count. */
  record Counts(Instant at, Map<String, Map<String, Integer>> byRevision) {
    Counts {
      byRevision = Map.copyOf(byRevision);
    }

    int total() {
      return byRevision.values().stream().flatMap(m -> m.values().stream())
          .mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * A traffic split from one moment on; {@code effective}: the replica ratio, not a router's
   * weights; {@code derived}: not recorded at all, but each revision's share of the healthy
   * instances (what an even split across serving instances gives).
   */
  record Split(Instant at, Map<String, Integer> weights, boolean effective, boolean derived) {
    Split {
      weights = Map.copyOf(weights);
    }
  }

  /**
   * The splits to draw: the recorded ones that name weights; when there are none (a rolling update
   * spreads traffic evenly across serving instances), each revision's share of the healthy
   * instances at each change of the counts.
   *
   * @return the splits, oldest first
   */
  List<Split> splits() {
    List<Split> recorded = traffic.stream().filter(s -> !s.weights().isEmpty()).toList();
    if (!recorded.isEmpty()) {
      return recorded;
    }
    List<Split> out = new ArrayList<>();
    for (Counts c : instances) {
      int healthy = c.byRevision().values().stream()
          .mapToInt(m -> m.getOrDefault("HEALTHY", 0)).sum();
      if (healthy == 0) {
        continue;
      }
      Map<String, Integer> weights = new LinkedHashMap<>();
      for (String rev : revisions) {
        int n = c.byRevision().getOrDefault(rev, Map.of()).getOrDefault("HEALTHY", 0);
        weights.put(rev, (int) Math.round(100.0 * n / healthy));
      }
      if (out.isEmpty() || !out.get(out.size() - 1).weights().equals(weights)) {
        out.add(new Split(c.at(), weights, true, true));
      }
    }
    return out;
  }

  /** Strategy step {@code done} ended ({@code what}), and step {@code next} began. */
  record Boundary(Instant at, int done, String what, int next) {}

  /** A wait from {@code from} to {@code to}: {@code person} if it needed someone to act. */
  record Span(Instant from, Instant to, String label, boolean person) {}

  /** One measurement of a gate: its number, verdict and the gate's reason. */
  record Point(Instant at, int number, String verdict, String detail) {}

  /** An analysis of strategy step {@code step}: its gate, measurements and final verdict. */
  record Analysis(int step, String gate, Instant from, Optional<Instant> to,
      Optional<String> verdict, String summary, List<Point> points) {
    Analysis {
      points = List.copyOf(points);
    }
  }

  /** Kinds of single moments. */
  enum MarkKind { INSTANCE_FAILED, PROVIDER_ERROR, ROLLBACK, SUCCEEDED, ROLLED_BACK, FAILED }

  /** A single moment worth a marker. */
  record Mark(Instant at, MarkKind kind, String label) {}

  /** @return the story of {@code rollout}, from its history */
  static Story of(Rollout rollout) {
    return new Reader(rollout).read();
  }

  /** One pass over the events. */
  private static final class Reader {
    private final Rollout rollout;
    private final List<Counts> instances = new ArrayList<>();
    private final List<Split> traffic = new ArrayList<>();
    private final List<Boundary> steps = new ArrayList<>();
    private final List<Span> waits = new ArrayList<>();
    private final List<Analysis> analyses = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final Map<String, Boolean> seen = new LinkedHashMap<>();
    private Analysis open; // the analysis still measuring
    private Instant pausedAt;
    private String pausedWhy = "";
    private Instant waitAt;
    private String waitWhy = "";
    private Optional<Instant> waitUntil = Optional.empty();

    Reader(Rollout rollout) {
      this.rollout = rollout;
      rollout.from().ifPresent(r -> seen.put(r.id(), true));
      seen.put(rollout.to().id(), true);
    }

    Story read() {
      Instant start = rollout.startedAt();
      Instant end = rollout.updatedAt();
      for (RolloutEvent e : rollout.history()) {
        start = e.at().isBefore(start) ? e.at() : start;
        end = e.at().isAfter(end) ? e.at() : end;
        read(e);
      }
      if (!end.isAfter(start.plusSeconds(1))) {
        end = start.plusSeconds(1);
      }
      endPause(end);
      endWait(end);
      if (open != null) {
        analyses.add(open);
      }
      return new Story(rollout, start, end, List.copyOf(seen.keySet()), instances, traffic, steps,
          waits, analyses, marks);
    }

    private void read(RolloutEvent e) {
      String m = e.message();
      switch (e.type()) {
        case OBSERVED -> {
          Map<String, Map<String, Integer>> counts = Messages.instances(m);
          counts.keySet().forEach(r -> seen.putIfAbsent(r, true));
          instances.add(new Counts(e.at(), counts));
        }
        case TRAFFIC_SHIFTED -> {
          Map<String, Integer> weights = Messages.traffic(m);
          weights.keySet().forEach(r -> seen.putIfAbsent(r, true));
          traffic.add(new Split(e.at(), weights, m.contains("(effective"), false));
        }
        case STEP -> step(e, m);
        case MEASURED -> measured(e, m);
        case ANALYZED -> analyzed(e, m);
        case PAUSED -> {
          endWait(e.at());
          if (pausedAt == null) {
            pausedAt = e.at();
            pausedWhy = Messages.value(m, "reason").orElse("paused");
          }
        }
        case RESUMED -> endPause(e.at());
        case ABORTING -> {
          endPause(e.at());
          endWait(e.at());
          marks.add(new Mark(e.at(), MarkKind.ROLLBACK, "rollback to "
              + Messages.value(m, "to").orElse("?") + ": "
              + Messages.value(m, "reason").orElse("")));
        }
        case INSTANCE_FAILED -> marks.add(new Mark(e.at(), MarkKind.INSTANCE_FAILED,
            Messages.value(m, "count").orElse("?") + " instance(s) failed: "
                + Messages.value(m, "reason").orElse("")));
        case PROVIDER_ERROR -> marks.add(new Mark(e.at(), MarkKind.PROVIDER_ERROR,
            "provider error: " + Messages.value(m, "error").orElse(m)));
        case SUCCEEDED, ROLLED_BACK, FAILED -> {
          endPause(e.at());
          endWait(e.at());
          MarkKind kind = MarkKind.valueOf(e.type().name());
          marks.add(new Mark(e.at(), kind, e.type() + Messages.value(m, "reason")
              .map(r -> ": " + r).orElse("") + " after "
              + Durations.text(Duration.between(rollout.startedAt(), e.at()))));
        }
        default -> { }
      }
    }

    private void step(RolloutEvent e, String m) {
      Map<String, String> kv = Messages.keyValues(m);
      if (kv.containsKey("done") && kv.containsKey("next")) {
        endWait(e.at());
        steps.add(new Boundary(e.at(), Messages.intValue(m, "step").orElse(0), kv.get("done"),
            Messages.intValue(m, "next").orElse(0)));
      } else if (kv.containsKey("wait")) {
        endWait(e.at());
        waitAt = e.at();
        waitWhy = kv.getOrDefault("detail", kv.get("wait"));
        waitUntil = Optional.ofNullable(kv.get("until")).flatMap(Reader::instant);
      } else if ("analyze".equals(kv.get("action"))) {
        if (open != null) {
          analyses.add(open);
        }
        open = new Analysis(Messages.intValue(m, "step").orElse(0),
            kv.getOrDefault("gate", "gate"), e.at(), Optional.empty(), Optional.empty(), "",
            List.of());
      }
    }

    private void measured(RolloutEvent e, String m) {
      Map<String, String> kv = Messages.keyValues(m);
      if (open == null) {
        open = new Analysis(Messages.intValue(m, "step").orElse(0),
            kv.getOrDefault("gate", "gate"), e.at(), Optional.empty(), Optional.empty(), "",
            List.of());
      }
      List<Point> points = new ArrayList<>(open.points());
      points.add(new Point(e.at(), Messages.intValue(m, "measurement").orElse(points.size() + 1),
          kv.getOrDefault("verdict", "?"), kv.getOrDefault("detail", "")));
      open = new Analysis(open.step(), open.gate(), open.from(), open.to(), open.verdict(),
          open.summary(), points);
    }

    private void analyzed(RolloutEvent e, String m) {
      Map<String, String> kv = Messages.keyValues(m);
      Analysis a = open != null ? open : new Analysis(Messages.intValue(m, "step").orElse(0),
          "gate", e.at(), Optional.empty(), Optional.empty(), "", List.of());
      analyses.add(new Analysis(a.step(), a.gate(), a.from(), Optional.of(e.at()),
          Optional.ofNullable(kv.get("verdict")), m, a.points()));
      open = null;
    }

    private void endPause(Instant at) {
      if (pausedAt != null) {
        waits.add(new Span(pausedAt, at, pausedWhy, true));
        pausedAt = null;
      }
    }

    private void endWait(Instant at) {
      if (waitAt != null) {
        Instant to = waitUntil.filter(u -> u.isBefore(at)).orElse(at);
        waits.add(new Span(waitAt, to, waitWhy, false));
        waitAt = null;
      }
    }

    private static Optional<Instant> instant(String text) {
      try {
        return Optional.of(Instant.parse(text));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /** @return whether {@code revision} is the rollout's target */
  boolean isTarget(String revision) {
    return rollout.to().id().equals(revision);
  }

  /** @return the rollout's previous revision's id, if any */
  Optional<String> from() {
    return rollout.from().map(Revision::id);
  }
}
