package dev.molt.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.ZonalRollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Worked examples of the zonal planner. A fleet is written zone by zone as {@code
 * name:old/ready/pending/draining} ({@code -} for instances without a zone); the expected decision
 * lists what it does: {@code launch=n@zone drain=n@zone advance=i await=REASON}, then {@code
 * done} or {@code failed} when it says so.
 */
class ZonalPlannerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
  private static final LaunchSpec OLD = Fixtures.V1;
  private static final LaunchSpec NEW = Fixtures.V2;
  private static final String TWO = "a:3/0/0/0 b:3/0/0/0";

  static Stream<Arguments> examples() {
    return Stream.of(
        // name, desired, surge, unavailable, minHealthyPerZone, bake s, step, step age s, fleet
        Arguments.of("the first zone launches into itself", 6, "1", "0", "2", 600, 0, 0, TWO,
            "launch=1@a"),
        Arguments.of("a ready new instance frees an old one of its own zone", 6, "1", "0", "2",
            600, 0, 0, "a:3/1/0/0 b:3/0/0/0", "drain=1@a"),
        Arguments.of("a draining instance holds the surge slot; b is left alone", 6, "1", "0",
            "2", 600, 0, 0, "a:2/1/0/1 b:3/0/0/0", ""),
        Arguments.of("the minimum caps unavailable inside the zone", 6, "0", "2", "2", 600, 0, 0,
            TWO, "drain=1@a"),
        Arguments.of("a percentage minimum rounds up", 8, "0", "4", "50%", 600, 0, 0,
            "a:4/0/0/0 b:4/0/0/0", "drain=2@a"),
        Arguments.of("a freed slot is refilled in the same zone", 6, "0", "1", "2", 600, 0, 0,
            "a:2/0/0/0 b:3/0/0/0", "launch=1@a"),
        Arguments.of("a finished zone starts the bake", 6, "1", "0", "2", 600, 0, 0,
            "a:0/3/0/0 b:3/0/0/0", "advance=1"),
        Arguments.of("the next zone waits while the bake runs", 6, "1", "0", "2", 600, 1, 60,
            "a:0/3/0/0 b:3/0/0/0", "await=TIMED_PAUSE"),
        Arguments.of("the bake is over", 6, "1", "0", "2", 600, 1, 600, "a:0/3/0/0 b:3/0/0/0",
            "advance=2"),
        Arguments.of("after the bake the next zone starts", 6, "1", "0", "2", 600, 2, 0,
            "a:0/3/0/0 b:3/0/0/0", "launch=1@b"),
        Arguments.of("a zone already started is not baked again", 6, "1", "0", "2", 600, 1, 0,
            "a:0/3/0/0 b:3/0/1/0", "advance=2"),
        Arguments.of("without a bake the next zone starts at once", 6, "1", "0", "2", 0, 0, 0,
            "a:0/3/0/0 b:3/0/0/0", "launch=1@b"),
        Arguments.of("a zone that could lose no instance fails before any launch", 4, "0", "1",
            "2", 600, 0, 0, "a:2/0/0/0 b:2/0/0/0", "failed"),
        Arguments.of("a fleet without zones is one zone: launches are not placed", 4, "1", "0",
            "1", 600, 0, 0, "-:4/0/0/0", "launch=1"),
        Arguments.of("unzoned instances are a zone of their own, first", 4, "1", "0", "1", 0, 0,
            0, "-:2/0/0/0 a:2/0/0/0", "launch=1"),
        Arguments.of("a zone the capacity no longer needs is emptied, even without surge", 3,
            "0", "1", "2", 0, 0, 0, "a:2/0/0/0 b:0/3/0/0", "drain=2@a"),
        Arguments.of("no bake after the last zone", 6, "1", "0", "2", 600, 2, 0,
            "a:0/3/0/0 b:0/3/0/0", "done"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void decides(String name, int desired, String surge, String unavailable, String minimum,
      int bakeSeconds, int step, int stepAgeSeconds, String fleet, String expected) {
    RollingUpdate params = RollingUpdate.of(Amount.parse(surge), Amount.parse(unavailable))
        .withZones(ZonalRollout.of(Duration.ofSeconds(bakeSeconds), Amount.parse(minimum)));
    StepState steps = new StepState(step, NOW.minusSeconds(stepAgeSeconds), Optional.empty(),
        false, false, false, Map.of(), Optional.of(OLD.revision()), NOW);
    PlanContext ctx = new PlanContext(fleet(desired, fleet), NEW, desired, NOW, 0,
        Duration.ofSeconds(30), steps);

    Decision d = Planners.forStrategy(params).decide(ctx);

    assertThat(summary(d)).as(fleet).isEqualTo(expected);
  }

  private static Fleet fleet(int desired, String zones) {
    List<Instance> out = new ArrayList<>();
    for (String zone : zones.split(" ")) {
      String[] parts = zone.split(":");
      String[] n = parts[1].split("/");
      Optional<String> z = parts[0].equals("-") ? Optional.empty() : Optional.of(parts[0]);
      add(out, Integer.parseInt(n[0]), OLD, InstanceState.HEALTHY, NOW.minusSeconds(3600), z);
      add(out, Integer.parseInt(n[1]), NEW, InstanceState.HEALTHY, NOW.minusSeconds(60), z);
      add(out, Integer.parseInt(n[2]), NEW, InstanceState.LAUNCHING, NOW.minusSeconds(5), z);
      add(out, Integer.parseInt(n[3]), OLD, InstanceState.DRAINING, NOW.minusSeconds(1), z);
    }
    return new Fleet("web", desired, out, Map.of());
  }

  private static void add(List<Instance> out, int n, LaunchSpec spec, InstanceState state,
      Instant since, Optional<String> zone) {
    for (int i = 0; i < n; i++) {
      Map<String, String> labels = new HashMap<>(OwnerLabels.of("web", spec.revision(), "ro-t"));
      zone.ifPresent(z -> labels.put(OwnerLabels.ZONE, z));
      Optional<Instant> healthy = state == InstanceState.HEALTHY ? Optional.of(since)
          : Optional.empty();
      out.add(new Instance(spec.image().version() + "-" + out.size(), "web", spec.revision(),
          Optional.empty(), state, since, since, healthy, labels));
    }
  }

  private static String summary(Decision d) {
    List<String> parts = new ArrayList<>();
    for (Action a : d.actions()) {
      if (a instanceof Action.Launch l) {
        parts.add("launch=" + l.count() + l.zone().map(z -> "@" + z).orElse(""));
      } else if (a instanceof Action.Drain dr) {
        parts.add("drain=" + dr.instances().size() + "@" + dr.instances().stream()
            .map(i -> i.labels().getOrDefault(OwnerLabels.ZONE, "-")).distinct().toList()
            .stream().reduce((x, y) -> x + "," + y).orElse(""));
      } else if (a instanceof Action.Advance adv) {
        parts.add("advance=" + adv.to());
      } else if (a instanceof Action.Await w) {
        parts.add("await=" + w.what().reason());
      } else {
        parts.add(a.getClass().getSimpleName().toLowerCase());
      }
    }
    if (d.status() != Decision.Status.CONTINUE) {
      parts.add(d.status().name().toLowerCase());
    }
    return String.join(" ", parts);
  }
}
