package dev.molt.testkit.store;

import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.Wait;
import dev.molt.rollout.RolloutSpec;
import dev.molt.rollout.DeploymentWindows;
import dev.molt.rollout.WindowEnd;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import dev.molt.store.RolloutRecord;
import dev.molt.testkit.SimulatedPlatform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout records for store tests: every kind of field a store must keep, awkward text included
 * (quotes, backslashes, control characters, a NUL, non-ASCII), so a store that mangles text on
 * the way to its medium fails the round trip.
 */
public final class StoreRecords {
  /** The awkward text every record carries in its history and its image labels. */
  public static final String AWKWARD = "quotes \" and \\ and\nnewline\ttab \u0000 nul, é, 雪, 🚀";

  private StoreRecords() {}

  /**
   * A record of a rollout of {@code fleet} from {@code v1} to {@code v2}.
   *
   * @param id the rollout id
   * @param fleet the fleet
   * @param phase its phase (terminal phases make a finished record)
   * @param startedAt when it started; it was last updated {@code events} seconds later
   * @param events how many events its history has
   * @return the record
   */
  public static RolloutRecord record(String id, String fleet, RolloutPhase phase,
      Instant startedAt, int events) {
    LaunchSpec from = SimulatedPlatform.spec("store-v1");
    LaunchSpec to = target(fleet);
    // windows with a zone, local times and a freeze: every store keeps them (a resumed rollout
    // goes on respecting them)
    RolloutSpec spec = RolloutSpec.builder(fleet).capacity(4).target(to)
        .windows(DeploymentWindows.weekly(ZoneId.of("Europe/Berlin"), List.of(DayOfWeek.MONDAY,
            DayOfWeek.WEDNESDAY), LocalTime.of(8, 15), Duration.ofHours(9)).withFreeze(startedAt,
            startedAt.plus(Duration.ofDays(3)), "freeze " + AWKWARD))
        .atWindowEnd(WindowEnd.PAUSE).build();
    List<RolloutEvent> history = new ArrayList<>();
    RolloutEvent.Type[] types = RolloutEvent.Type.values();
    for (int i = 0; i < events; i++) {
      history.add(new RolloutEvent(startedAt.plusSeconds(i), types[i % types.length],
          RolloutPhase.PROGRESSING, i % 5, "step=" + i + " detail=\"" + AWKWARD + "\""));
    }
    Rollout rollout = new Rollout(id, fleet, "rolling", Optional.of(from.revision()),
        to.revision(), phase, 2, 4, 1, history, Optional.of("why: " + AWKWARD),
        Optional.of(new Wait(Wait.Reason.TIMED_PAUSE, "pause " + AWKWARD,
            Optional.of(startedAt.plusSeconds(60)))), startedAt, startedAt.plusSeconds(events));
    return new RolloutRecord(spec, Optional.of(from), rollout, 1);
  }

  /**
   * The launch spec the records of {@code fleet} roll out: one of its own per fleet.
   *
   * @param fleet the fleet
   * @return the spec, with labels carrying {@link #AWKWARD}
   */
  public static LaunchSpec target(String fleet) {
    LaunchSpec plain = SimulatedPlatform.spec("store-v2-" + fleet);
    Image labelled = new Image(plain.image().reference(), plain.image().version(),
        Map.of("note", AWKWARD), Optional.empty(), Optional.empty());
    return plain.withImage(labelled).toBuilder().env("MODE", "prod").build();
  }
}
