package dev.molt.rollout;

import dev.molt.Arguments;
import dev.molt.Durations;
import dev.molt.InvalidSpecException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * When a rollout may change its fleet, and when a campaign may start one: inside one of the weekly
 * {@code windows} (in {@code zone}, so "Tuesday 09:00 for 8 h" opens at 09:00 local time on
 * either side of a daylight-saving change, and stays open 8 real hours), and in none of the
 * {@code freezes}, which override the windows. No windows means always open. What happens when a
 * window ends under a running rollout is {@link RolloutSpec#atWindowEnd()}: it finishes (the
 * default) or pauses between steps until the next window; a rollback is never held. Immutable and
 * thread-safe.
 *
 * <p>Example: Monday to Thursday 09:00-17:00 Europe/Berlin, frozen from 20 December to 2 January:
 *
 * <pre>{@code
 * DeploymentWindows w = DeploymentWindows.weekly(ZoneId.of("Europe/Berlin"),
 *         List.of(MONDAY, TUESDAY, WEDNESDAY, THURSDAY), LocalTime.of(9, 0), Duration.ofHours(8))
 *     .withFreeze(Instant.parse("2026-12-20T00:00:00Z"), Instant.parse("2027-01-02T00:00:00Z"),
 *         "year-end freeze");
 * }</pre>
 *
 * @param zone the time zone of the weekly windows
 * @param windows the weekly windows; empty means always open
 * @param freezes absolute intervals in which nothing starts
 */
public record DeploymentWindows(ZoneId zone, List<Weekly> windows, List<Freeze> freezes) {

  /** How far ahead {@link #nextOpening} looks. */
  static final Duration HORIZON = Duration.ofDays(400);

  /** Validates and copies the fields. */
  public DeploymentWindows {
    Arguments.required(zone, "windows.zone");
    windows = Arguments.copyOf(windows, "windows.windows");
    freezes = Arguments.copyOf(freezes, "windows.freezes");
  }

  /**
   * A weekly window: opens on {@code day} at {@code start} in the zone, for {@code length}.
   *
   * @param day the day it opens
   * @param start the local time it opens
   * @param length how long it stays open, positive and at most 7 days
   */
  public record Weekly(DayOfWeek day, LocalTime start, Duration length) {
    /** Validates the fields. */
    public Weekly {
      Arguments.required(day, "day");
      Arguments.required(start, "start");
      Arguments.positive(length, "length");
      if (length.compareTo(Duration.ofDays(7)) > 0) {
        throw new InvalidSpecException("length", "is " + Durations.text(length) + "; a weekly"
            + " window lasts at most 7 days (for longer, list more days)");
      }
    }
  }

  /**
   * An absolute freeze: nothing starts from {@code from} (inclusive) to {@code until} (exclusive).
   *
   * @param from when it begins
   * @param until when it ends, after {@code from}
   * @param reason why, for the campaign's wait
   */
  public record Freeze(Instant from, Instant until, String reason) {
    /** Validates the fields. */
    public Freeze {
      Arguments.required(from, "from");
      Arguments.required(until, "until");
      Arguments.notBlank(reason, "reason");
      if (!until.isAfter(from)) {
        throw new InvalidSpecException("until", "is " + until + ", not after from " + from);
      }
    }
  }

  /** @return always open, no freeze */
  public static DeploymentWindows always() {
    return new DeploymentWindows(ZoneId.of("UTC"), List.of(), List.of());
  }

  /**
   * The same window on each of {@code days}.
   *
   * @param zone the time zone
   * @param days the days it opens
   * @param start the local time it opens
   * @param length how long it stays open
   * @return the windows
   */
  public static DeploymentWindows weekly(ZoneId zone, List<DayOfWeek> days, LocalTime start,
      Duration length) {
    List<Weekly> out = new ArrayList<>();
    Arguments.copyOf(days, "days").forEach(d -> out.add(new Weekly(d, start, length)));
    return new DeploymentWindows(zone, out, List.of());
  }

  /** @return a copy that also freezes {@code [from, until)} */
  public DeploymentWindows withFreeze(Instant from, Instant until, String reason) {
    List<Freeze> more = new ArrayList<>(freezes);
    more.add(new Freeze(from, until, reason));
    return new DeploymentWindows(zone, windows, more);
  }

  /** @return whether these windows never hold anything: no weekly window and no freeze */
  public boolean isAlwaysOpen() {
    return windows.isEmpty() && freezes.isEmpty();
  }

  /**
   * @param t a moment
   * @return whether a fleet may start at {@code t}
   */
  public boolean allows(Instant t) {
    return freeze(t).isEmpty() && inWindow(t);
  }

  /**
   * @param t a moment
   * @return the freeze {@code t} falls in, if any
   */
  public Optional<Freeze> freeze(Instant t) {
    return freezes.stream().filter(f -> !t.isBefore(f.from()) && t.isBefore(f.until()))
        .findFirst();
  }

  private boolean inWindow(Instant t) {
    if (windows.isEmpty()) {
      return true;
    }
    LocalDate today = t.atZone(zone).toLocalDate();
    for (int back = 0; back <= 7; back++) {
      LocalDate date = today.minusDays(back);
      for (Weekly w : windows) {
        if (w.day() == date.getDayOfWeek()) {
          Instant open = ZonedDateTime.of(date, w.start(), zone).toInstant();
          if (!t.isBefore(open) && t.isBefore(open.plus(w.length()))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The first moment at or after {@code t} when a fleet may start: {@code t} itself, the opening
   * of a window or the end of a freeze.
   *
   * @param t a moment
   * @return that moment; empty if there is none within about 400 days
   */
  public Optional<Instant> nextOpening(Instant t) {
    TreeSet<Instant> candidates = new TreeSet<>();
    candidates.add(t);
    freezes.stream().map(Freeze::until).filter(u -> u.isAfter(t)).forEach(candidates::add);
    LocalDate first = t.atZone(zone).toLocalDate();
    for (int day = 0; day <= HORIZON.toDays(); day++) {
      LocalDate date = first.plusDays(day);
      for (Weekly w : windows) {
        if (w.day() == date.getDayOfWeek()) {
          Instant open = ZonedDateTime.of(date, w.start(), zone).toInstant();
          if (!open.isBefore(t)) {
            candidates.add(open);
          }
        }
      }
    }
    // a freeze may end inside a window: that end is then the opening, already a candidate
    return candidates.stream().filter(this::allows).findFirst();
  }
}
