package dev.molt.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.molt.rollout.DeploymentWindows;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code windows} key of a rollout file, read and written:
 *
 * <pre>{@code
 * windows:
 *   zone: Europe/Berlin
 *   weekly:
 *     - days: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY]
 *       start: "09:00"
 *       length: 8h
 *   freezes:
 *     - from: 2026-12-20T00:00:00Z
 *       until: 2027-01-04T00:00:00Z
 *       reason: year-end freeze
 * }</pre>
 *
 * Each {@code weekly} entry is one window per listed day; the writer joins neighbouring windows
 * with the same start and length into one entry.
 */
final class WindowsText {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private WindowsText() {}

  static DeploymentWindows read(Node n) {
    n.object(Keys.WINDOWS);
    Node zoneNode = n.get("zone", ": the time zone of the weekly windows, such as Europe/Berlin"
        + " or UTC");
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneNode.text());
    } catch (DateTimeException e) {
      throw zoneNode.fail("'" + zoneNode.text() + "' is not a time zone: give a region id such"
          + " as Europe/Berlin or America/New_York, or UTC");
    }
    List<DeploymentWindows.Weekly> weekly = new ArrayList<>();
    n.opt("weekly").ifPresent(list -> list.list().forEach(w -> weekly.addAll(weekly(w))));
    List<DeploymentWindows.Freeze> freezes = n.opt("freezes")
        .map(list -> list.list(WindowsText::freeze)).orElse(List.of());
    return n.build(() -> new DeploymentWindows(zone, weekly, freezes));
  }

  private static List<DeploymentWindows.Weekly> weekly(Node w) {
    w.object(Keys.WEEKLY);
    List<DayOfWeek> days = w.get("days", ": the days it opens, such as [MONDAY, FRIDAY]")
        .list(d -> d.enumValue(DayOfWeek.class));
    if (days.isEmpty()) {
      throw w.get("days", "").fail("is empty: give at least one day, such as [MONDAY]");
    }
    Node startNode = w.get("start", ": the local time it opens, such as \"09:00\"");
    LocalTime start;
    try {
      start = LocalTime.parse(startNode.text());
    } catch (DateTimeParseException e) {
      throw startNode.fail("'" + startNode.text() + "' is not a local time: write it as"
          + " \"09:00\" (24-hour, quoted in YAML)");
    }
    Node lengthNode = w.get("length", ": how long it stays open, such as 8h");
    Duration length = lengthNode.duration();
    return days.stream().map(d -> lengthNode.buildValue(() -> new DeploymentWindows.Weekly(d,
        start, length))).toList();
  }

  private static DeploymentWindows.Freeze freeze(Node f) {
    f.object(Keys.FREEZE);
    Instant from = instant(f.get("from", ": when it begins, a UTC time such as"
        + " 2026-12-20T00:00:00Z"));
    Instant until = instant(f.get("until", ": when it ends, a UTC time after from"));
    String reason = f.get("reason", ": why, shown while a rollout waits").text();
    return f.build(() -> new DeploymentWindows.Freeze(from, until, reason));
  }

  private static Instant instant(Node n) {
    try {
      return Instant.parse(n.text());
    } catch (DateTimeParseException e) {
      throw n.fail("'" + n.text() + "' is not a UTC time such as 2026-12-20T00:00:00Z");
    }
  }

  static ObjectNode write(DeploymentWindows w) {
    ObjectNode o = NODES.objectNode();
    o.put("zone", w.zone().getId());
    if (!w.windows().isEmpty()) {
      ArrayNode weekly = o.putArray("weekly");
      ObjectNode last = null;
      DeploymentWindows.Weekly previous = null;
      for (DeploymentWindows.Weekly x : w.windows()) {
        if (previous == null || !previous.start().equals(x.start())
            || !previous.length().equals(x.length())) {
          last = weekly.addObject();
          last.putArray("days");
          last.put("start", x.start().toString());
          last.put("length", DurationText.text(x.length()));
        }
        ((ArrayNode) last.get("days")).add(x.day().name());
        previous = x;
      }
    }
    if (!w.freezes().isEmpty()) {
      ArrayNode freezes = o.putArray("freezes");
      w.freezes().forEach(f -> freezes.addObject().put("from", f.from().toString())
          .put("until", f.until().toString()).put("reason", f.reason()));
    }
    return o;
  }
}
