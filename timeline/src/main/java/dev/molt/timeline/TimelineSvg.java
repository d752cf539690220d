package dev.molt.timeline;

import dev.molt.Durations;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lays a {@link Story} out as SVG. From the top: the title, a strip with the strategy's step
 * boundaries, the instances lane (stacked counts per revision and state), the traffic lane (one
 * step line per revision, 0-100%), the gates lane (each analysis as a bar with its measurements as
 * dots coloured by verdict), the time axis and a legend. Waits are shaded across the lanes; the
 * rollback and the end are vertical lines across them. Every element a reader (or a test) looks
 * for carries a class: {@code step-boundary}, {@code instances}, {@code traffic-line}, {@code
 * analysis}, {@code measurement}, {@code wait}, {@code rollback-marker}, {@code end-marker}.
 */
final class TimelineSvg {
  static final int WIDTH = 1200;
  static final int HEIGHT = 660;
  private static final double LEFT = 150;
  private static final double RIGHT = 1150;
  private static final double STRIP_TOP = 64;
  private static final double INST_TOP = 112;
  private static final double INST_BOTTOM = 312;
  private static final double TRAFFIC_TOP = 332;
  private static final double TRAFFIC_BOTTOM = 462;
  private static final double GATES_TOP = 482;
  private static final double GATES_BOTTOM = 572;
  /** Stacking order, bottom up: serving first, then starting, broken, leaving. */
  static final List<String> STATES = List.of("HEALTHY", "RUNNING", "LAUNCHING", "UNHEALTHY",
      "FAILED", "DRAINING", "DRAINED");

  private final Story story;
  private final TimeAxis axis;
  private final Svg svg = new Svg();

  private TimelineSvg(Story story) {
    this.story = story;
    this.axis = new TimeAxis(story.start(), story.end(), LEFT, RIGHT);
  }

  /** @return the picture of {@code story} as a standalone SVG document */
  static String draw(Story story) {
    return new TimelineSvg(story).drawAll();
  }

  private String drawAll() {
    svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.open("svg", "xmlns", "http://www.w3.org/2000/svg", "width", WIDTH, "height", HEIGHT,
        "viewBox", "0 0 " + WIDTH + " " + HEIGHT, "font-family",
        "DejaVu Sans, Verdana, Arial, sans-serif", "font-size", 12, "class", "molt-timeline",
        "data-rollout", story.rollout().id());
    svg.text("title", "Timeline of rollout " + story.rollout().id());
    svg.text("desc", story.rollout().summary());
    svg.raw("  <style>.halo{paint-order:stroke;stroke:#ffffff;stroke-width:3px;"
        + "stroke-linejoin:round}</style>\n");
    svg.empty("rect", "x", 0, "y", 0, "width", WIDTH, "height", HEIGHT, "fill", "#ffffff");
    header();
    lanes();
    waits();
    instances();
    traffic();
    gates();
    steps();
    marks();
    timeAxis();
    legend();
    svg.close("svg");
    return svg.toString();
  }

  private void header() {
    var r = story.rollout();
    String route = r.from().map(f -> f.id() + " \u2192 ").orElse("(empty fleet) \u2192 ")
        + r.to().id();
    svg.text("text", "Rollout " + r.id() + " \u00b7 fleet " + r.fleet() + " \u00b7 "
        + r.strategy() + " \u00b7 " + route, "x", 16, "y", 28, "font-size", 18,
        "font-weight", "bold", "class", "title");
    String end = r.phase() + " after " + Durations.text(r.elapsed())
        + r.reason().map(why -> " \u2014 " + why).orElse("");
    svg.text("text", clip(end, 170) + "   (started " + r.startedAt() + ")", "x", 16, "y", 50,
        "font-size", 13, "fill", "#444444", "class", "subtitle");
  }

  private void lanes() {
    lane(INST_TOP, INST_BOTTOM, "instances", "lane-instances");
    lane(TRAFFIC_TOP, TRAFFIC_BOTTOM, "traffic %", "lane-traffic");
    lane(GATES_TOP, GATES_BOTTOM, "gates", "lane-gates");
    svg.text("text", "steps", "x", 16, "y", STRIP_TOP + 28, "font-weight", "bold",
        "fill", "#333333");
  }

  private void lane(double top, double bottom, String label, String cls) {
    svg.empty("rect", "x", LEFT, "y", top, "width", RIGHT - LEFT, "height", bottom - top,
        "fill", "#fafafa", "stroke", "#dddddd", "class", "lane " + cls);
    svg.text("text", label, "x", 16, "y", (top + bottom) / 2 + 4, "font-weight", "bold",
        "fill", "#333333");
  }

  private void waits() {
    svg.open("g", "id", "waits");
    for (Story.Span w : story.waits()) {
      double x0 = axis.x(w.from());
      double width = Math.max(1, axis.x(w.to()) - x0);
      svg.open("g", "class", "wait " + (w.person() ? "pause" : "timed-wait"));
      svg.titled("rect", (w.person() ? "paused: " : "waiting: ") + w.label() + " ("
          + axis.label(w.from()) + " to " + axis.label(w.to()) + ")", "x", x0, "y", INST_TOP,
          "width", width, "height", GATES_BOTTOM - INST_TOP,
          "fill", w.person() ? "#ffd54f" : "#b0bec5", "fill-opacity", w.person() ? 0.3 : 0.2);
      svg.text("text", clip((w.person() ? "paused: " : "wait: ") + w.label(),
          (int) (width / 6)), "x", x0 + 3, "y", INST_TOP + 12, "font-size", 10,
          "fill", "#4e342e", "class", "wait-label halo");
      svg.close("g");
    }
    svg.close("g");
  }

  private void instances() {
    svg.open("g", "id", "instances", "shape-rendering", "crispEdges");
    List<Story.Counts> counts = story.instances();
    if (counts.isEmpty()) {
      svg.text("text", "instance counts were not recorded in this history (no OBSERVED events)",
          "x", LEFT + 12, "y", (INST_TOP + INST_BOTTOM) / 2, "fill", "#777777",
          "class", "no-counts");
      svg.close("g");
      return;
    }
    int max = Math.max(1, counts.stream().mapToInt(Story.Counts::total).max().orElse(1));
    double unit = (INST_BOTTOM - INST_TOP - 16) / max;
    for (int n : List.of(max / 2, max)) {
      double y = INST_BOTTOM - n * unit;
      svg.empty("line", "x1", LEFT, "x2", RIGHT, "y1", y, "y2", y, "stroke", "#e6e6e6");
      svg.text("text", String.valueOf(n), "x", LEFT - 6, "y", y + 4, "text-anchor", "end",
          "fill", "#666666");
    }
    for (int i = 0; i < counts.size(); i++) {
      Story.Counts c = counts.get(i);
      Instant to = i + 1 < counts.size() ? counts.get(i + 1).at() : story.end();
      double x0 = axis.x(c.at());
      double width = axis.x(to) - x0;
      if (width <= 0) {
        continue;
      }
      column(c, x0, width, unit, to);
    }
    svg.close("g");
  }

  private void column(Story.Counts c, double x0, double width, double unit, Instant to) {
    double y = INST_BOTTOM;
    for (String rev : story.revisions()) {
      Map<String, Integer> states = c.byRevision().get(rev);
      if (states == null) {
        continue;
      }
      String colour = colour(rev);
      for (String state : STATES) {
        int n = states.getOrDefault(state, 0);
        if (n == 0) {
          continue;
        }
        double h = n * unit;
        y -= h;
        svg.titled("rect", rev + " " + state + ": " + n + " (" + axis.label(c.at()) + " to "
            + axis.label(to) + ")", "x", x0, "y", y, "width", width, "height", h,
            "fill", Palette.fill(state, colour), "fill-opacity", Palette.opacity(state),
            "class", "instances state-" + state.toLowerCase(Locale.ROOT),
            "data-revision", rev, "data-state", state, "data-count", n);
      }
    }
  }

  private void traffic() {
    svg.open("g", "id", "traffic");
    for (int pct : List.of(0, 50, 100)) {
      double y = trafficY(pct);
      svg.empty("line", "x1", LEFT, "x2", RIGHT, "y1", y, "y2", y, "stroke", "#e6e6e6");
      svg.text("text", pct + "%", "x", LEFT - 6, "y", y + 4, "text-anchor", "end",
          "fill", "#666666");
    }
    List<Story.Split> splits = story.splits();
    for (String rev : story.revisions()) {
      if (splits.stream().anyMatch(s -> s.weights().containsKey(rev))) {
        trafficLine(rev, splits);
      }
    }
    if (splits.isEmpty()) {
      svg.text("text", "no traffic split was recorded", "x", LEFT + 12,
          "y", (TRAFFIC_TOP + TRAFFIC_BOTTOM) / 2, "fill", "#777777", "class", "no-traffic");
    }
    svg.close("g");
  }

  /**
   * One revision's weight as a step line: flat until the next split, then straight up or down.
   * Before the first split the previous revision had all the traffic (and the target none).
   */
  private void trafficLine(String rev, List<Story.Split> splits) {
    StringBuilder d = new StringBuilder();
    Story.Split first = splits.get(0);
    boolean fromStart = story.from().isPresent() && first.at().isAfter(story.start());
    double lastY;
    if (fromStart) {
      lastY = trafficY(story.from().get().equals(rev) ? 100 : 0);
      d.append("M").append(Svg.num(LEFT)).append(' ').append(Svg.num(lastY));
    } else {
      lastY = trafficY(first.weights().getOrDefault(rev, 0));
      d.append("M").append(Svg.num(axis.x(first.at()))).append(' ').append(Svg.num(lastY));
    }
    int last = -1;
    StringBuilder points = new StringBuilder();
    for (Story.Split s : splits) {
      int w = s.weights().getOrDefault(rev, 0);
      d.append(" H").append(Svg.num(axis.x(s.at()))).append(" V").append(Svg.num(trafficY(w)));
      if (w != last) {
        points.append(points.length() == 0 ? "" : ", ").append(axis.label(s.at())).append(' ')
            .append(w).append('%');
        last = w;
      }
    }
    d.append(" H").append(Svg.num(RIGHT));
    boolean effective = splits.stream().allMatch(Story.Split::effective);
    boolean derived = splits.stream().allMatch(Story.Split::derived);
    String colour = colour(rev);
    if (story.isTarget(rev)) {
      svg.empty("path", "d", d + " V" + Svg.num(trafficY(0)) + " H" + Svg.num(fromStart ? LEFT
          : axis.x(first.at())) + " Z", "fill", colour, "fill-opacity", 0.12, "stroke", "none",
          "class", "traffic-area");
    }
    svg.titled("path", rev + " traffic: " + points + (derived ? " (effective: its share of the"
        + " healthy instances; no split was recorded)" : effective ? " (effective: replica ratio,"
        + " no router)" : ""), "d", d.toString(), "fill", "none", "stroke", colour,
        "stroke-width", story.isTarget(rev) ? 3 : 2, "stroke-dasharray", effective ? "6 3" : "none",
        "class", "traffic-line" + (derived ? " derived" : ""), "data-revision", rev,
        "data-final", last);
    svg.text("text", last + "%", "x", RIGHT + 4, "y", trafficY(last) + 4, "font-size", 11,
        "fill", colour, "font-weight", "bold");
  }

  private void gates() {
    svg.open("g", "id", "gates");
    if (story.analyses().isEmpty()) {
      svg.text("text", "no analysis in this rollout", "x", LEFT + 12, "y", GATES_TOP + 48,
          "fill", "#777777", "class", "no-analysis");
    }
    for (Story.Analysis a : story.analyses()) {
      analysis(a);
    }
    svg.close("g");
  }

  private void analysis(Story.Analysis a) {
    String verdict = a.verdict().orElse("MEASURING");
    double x0 = axis.x(a.from());
    double x1 = Math.max(x0 + 2, axis.x(a.to().orElse(story.end())));
    svg.open("g", "class", "analysis verdict-" + verdict, "data-step", a.step(),
        "data-gate", a.gate(), "data-verdict", verdict);
    svg.titled("rect", "analysis of step " + a.step() + " (" + a.gate() + "): " + verdict
        + (a.summary().isEmpty() ? "" : " \u2014 " + a.summary()), "x", x0, "y", GATES_TOP + 28,
        "width", x1 - x0, "height", 14, "rx", 3, "fill", Palette.verdict(verdict),
        "fill-opacity", 0.22, "stroke", Palette.verdict(verdict));
    svg.text("text", clip(a.gate() + " \u2192 " + verdict, 40), "x", x0, "y", GATES_TOP + 20,
        "font-size", 11, "font-weight", "bold", "fill", Palette.verdict(verdict));
    List<Story.Point> points = a.points().isEmpty() && a.to().isPresent()
        ? List.of(new Story.Point(a.to().get(), 0, verdict, a.summary())) : a.points();
    for (Story.Point p : points) {
      double x = axis.x(p.at());
      svg.titled("circle", "measurement " + p.number() + " at " + axis.label(p.at()) + ": "
          + p.verdict() + " \u2014 " + p.detail(), "cx", x, "cy", GATES_TOP + 35, "r", 6,
          "fill", Palette.verdict(p.verdict()), "stroke", "#ffffff", "stroke-width", 1.5,
          "class", "measurement verdict-" + p.verdict(), "data-verdict", p.verdict());
      svg.text("text", p.verdict(), "x", x, "y", GATES_TOP + 56, "font-size", 9,
          "text-anchor", "middle", "fill", Palette.verdict(p.verdict()));
    }
    if (!points.isEmpty()) {
      Story.Point deciding = points.get(points.size() - 1);
      svg.text("text", clip(deciding.detail(), 70), "x", axis.x(deciding.at()),
          "y", GATES_TOP + 70, "font-size", 10, "text-anchor", anchor(axis.x(deciding.at())),
          "fill", "#444444", "class", "measurement-detail");
    }
    svg.close("g");
  }

  private void steps() {
    svg.open("g", "id", "steps");
    if (story.steps().isEmpty()) {
      svg.text("text", "no strategy steps" + (story.rollout().strategy().equals("rolling")
          ? " (a rolling update's progress is its instances)" : ""), "x", LEFT + 12,
          "y", STRIP_TOP + 28, "fill", "#777777", "class", "no-steps");
    }
    double[] rowEnds = new double[3];
    Arrays.fill(rowEnds, Double.NEGATIVE_INFINITY);
    List<Story.Boundary> all = story.steps();
    for (int i = 0; i < all.size(); ) {
      // boundaries at (almost) the same moment share one line and one label
      int j = i + 1;
      while (j < all.size() && axis.x(all.get(j).at()) - axis.x(all.get(i).at()) < 2) {
        j++;
      }
      List<Story.Boundary> same = all.subList(i, j);
      i = j;
      double x = axis.x(same.get(0).at());
      String label = clip("step " + same.get(same.size() - 1).next() + " \u2190 " + String.join(
          ", ", same.stream().map(Story.Boundary::what).toList()), 48);
      double width = label.length() * 5.8;
      boolean right = anchor(x).equals("end");
      double from = right ? x - width : x;
      int row = 0;
      while (row < rowEnds.length - 1 && rowEnds[row] + 6 > from) {
        row++;
      }
      rowEnds[row] = Math.max(rowEnds[row], from + width);
      for (Story.Boundary b : same) {
        svg.titled("line", "step " + b.done() + " done (" + b.what() + ") at "
            + axis.label(b.at()) + "; step " + b.next() + " begins", "x1", x, "x2", x,
            "y1", STRIP_TOP + 16 + row * 12, "y2", GATES_BOTTOM, "stroke", "#555555",
            "stroke-width", 1.2, "stroke-dasharray", "4 3", "class", "step-boundary",
            "data-step", b.done(), "data-next", b.next(), "data-what", b.what());
      }
      svg.text("text", label, "x", right ? x - 3 : x + 3, "y", STRIP_TOP + 14 + row * 12,
          "font-size", 10, "fill", "#333333", "text-anchor", right ? "end" : "start",
          "class", "step-label halo");
    }
    svg.close("g");
  }

  private void marks() {
    svg.open("g", "id", "marks");
    for (Story.Mark m : story.marks()) {
      double x = axis.x(m.at());
      switch (m.kind()) {
        case ROLLBACK -> {
          int colon = m.label().indexOf(": ");
          vertical(m, x, "#d62728", "rollback-marker", "\u21a9 " + (colon < 0 ? m.label()
              : m.label().substring(0, colon)), 3);
          if (colon >= 0) {
            svg.text("text", clip(m.label().substring(colon + 2), 80), "x", anchor(x)
                .equals("end") ? x - 4 : x + 4, "y", INST_TOP + 44, "font-size", 11,
                "fill", "#b71c1c", "text-anchor", anchor(x), "class", "rollback-reason halo");
          }
        }
        case SUCCEEDED -> vertical(m, x, "#2e7d32", "end-marker end-SUCCEEDED", "SUCCEEDED", 2);
        case ROLLED_BACK -> vertical(m, x, "#b71c1c", "end-marker end-ROLLED_BACK",
            "ROLLED_BACK", 2);
        case FAILED -> vertical(m, x, "#000000", "end-marker end-FAILED", "FAILED", 2);
        case INSTANCE_FAILED -> {
          svg.titled("path", m.label() + " at " + axis.label(m.at()), "d", "M" + Svg.num(x - 5)
              + " " + Svg.num(INST_BOTTOM + 9) + " L" + Svg.num(x + 5) + " "
              + Svg.num(INST_BOTTOM + 9) + " L" + Svg.num(x) + " " + Svg.num(INST_BOTTOM)
              + " Z", "fill", "#d62728", "class", "instance-failed-marker");
        }
        case PROVIDER_ERROR -> svg.titled("path", m.label() + " at " + axis.label(m.at()),
            "d", "M" + Svg.num(x) + " " + Svg.num(TRAFFIC_BOTTOM + 2) + " l5 6 l-5 6 l-5 -6 Z",
            "fill", "#ff9800", "class", "provider-error-marker");
      }
    }
    svg.close("g");
  }

  private void vertical(Story.Mark m, double x, String colour, String cls, String label,
      double width) {
    svg.open("g", "class", cls);
    svg.titled("line", m.label() + " at " + axis.label(m.at()), "x1", x, "x2", x,
        "y1", INST_TOP - 4, "y2", GATES_BOTTOM, "stroke", colour, "stroke-width", width);
    svg.text("text", clip(label, 70), "x", anchor(x).equals("end") ? x - 4 : x + 4,
        "y", cls.startsWith("rollback") ? INST_TOP + 28 : INST_TOP + 62, "font-size", 12,
        "font-weight", "bold", "fill", colour, "text-anchor", anchor(x), "class", "halo");
    svg.close("g");
  }

  private void timeAxis() {
    svg.open("g", "id", "axis");
    svg.empty("line", "x1", LEFT, "x2", RIGHT, "y1", GATES_BOTTOM, "y2", GATES_BOTTOM,
        "stroke", "#333333");
    for (Instant t : axis.ticks()) {
      double x = axis.x(t);
      svg.empty("line", "x1", x, "x2", x, "y1", GATES_BOTTOM, "y2", GATES_BOTTOM + 5,
          "stroke", "#333333");
      svg.text("text", axis.label(t), "x", x, "y", GATES_BOTTOM + 18, "font-size", 11,
          "text-anchor", "middle", "fill", "#333333", "class", "tick");
    }
    svg.close("g");
  }

  private void legend() {
    Palette.legend(svg, story, LEFT, HEIGHT - 44);
  }

  private String colour(String rev) {
    return Palette.revision(story.revisions().indexOf(rev));
  }

  /** @return the y of {@code pct} percent in the traffic lane */
  static double trafficY(int pct) {
    return TRAFFIC_BOTTOM - 8 - pct / 100.0 * (TRAFFIC_BOTTOM - TRAFFIC_TOP - 16);
  }

  /** Labels near the right edge run leftwards so that they stay in the picture. */
  private static String anchor(double x) {
    return x > RIGHT - 260 ? "end" : "start";
  }

  static String clip(String text, int max) {
    if (max <= 1) {
      return "";
    }
    return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
  }
}
