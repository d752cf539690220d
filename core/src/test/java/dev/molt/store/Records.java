package dev.molt.store;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.WindowEnd;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rich records for store tests: every kind of field, awkward strings included. */
final class Records {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Records() {}

  static LaunchSpec spec(String version) {
    Image base = Image.of("registry.example/base@sha256:" + "b".repeat(64), "base 12")
        .withBuiltAt(T0.minus(Duration.ofDays(3)));
    Image image = new Image("registry.example/web@sha256:" + "a".repeat(64), version,
        Map.of("commit", "c0ffee", "note", "quotes \" and \\ and \n newline, é"),
        Optional.of(base), Optional.of(T0.minus(Duration.ofHours(1))));
    return LaunchSpec.builder(image).env("MODE", "prod").env("EMPTY", "")
        .secret("DB_PASSWORD", "vault:db/password").ports(8443, 8080)
        .healthCheck(HealthCheck.http(8080, "/health").withTimeout(Duration.ofMillis(750)))
        .option("memory", "512m").build();
  }

  static RolloutSpec rolloutSpec(String fleet) {
    return RolloutSpec.builder(fleet).capacity(10).target(spec("v2"))
        .strategy(RollingUpdate.of(Amount.percent(25), Amount.of(1))
            .withMinReadyTime(Duration.ofSeconds(15)).withMaxReplacements(2))
        .progressDeadline(Duration.ofMinutes(7)).drainTimeout(Duration.ofSeconds(12))
        .windows(DeploymentWindows.weekly(ZoneId.of("Europe/Berlin"), List.of(DayOfWeek.TUESDAY,
            DayOfWeek.THURSDAY), LocalTime.of(9, 30), Duration.ofHours(6)).withFreeze(T0,
            T0.plus(Duration.ofDays(2)), "new-year \"freeze\""))
        .atWindowEnd(WindowEnd.PAUSE).build();
  }

  static RolloutRecord record(String id, String fleet, int events, RolloutPhase phase) {
    RolloutSpec spec = rolloutSpec(fleet);
    List<RolloutEvent> history = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      history.add(new RolloutEvent(T0.plusSeconds(i), RolloutEvent.Type.values()[i
          % RolloutEvent.Type.values().length], RolloutPhase.PROGRESSING, i % 10,
          "step=" + i + " reason=\"tab\there\""));
    }
    Rollout rollout = new Rollout(id, fleet, "rolling", Optional.of(spec("v1").revision()),
        spec.target().revision(), phase, 3, 10, 1, history, Optional.of("why: \"x\"\n"),
        Optional.of(new dev.molt.rollout.Wait(dev.molt.rollout.Wait.Reason.TIMED_PAUSE, "pause",
            Optional.of(T0.plusSeconds(60)))), T0,
        T0.plusSeconds(events));
    return new RolloutRecord(spec, Optional.of(spec("v1")), rollout, 2);
  }
}
