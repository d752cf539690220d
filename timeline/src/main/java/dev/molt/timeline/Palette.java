package dev.molt.timeline;

import java.util.Locale;

/**
 * The picture's colours and its legend: one colour per revision (the previous one blue, the
 * target orange, any other after them), one style per instance state (healthy solid, running and
 * launching lighter, unhealthy and failed red, draining and drained pale) and one colour per
 * verdict. Pure functions.
 */
final class Palette {
  private static final String[] REVISIONS = {"#1f77b4", "#e8710a", "#2ca02c", "#9467bd",
      "#8c564b", "#17becf"};

  private Palette() {}

  /** @return the colour of the revision at {@code index} in {@link Story#revisions()} */
  static String revision(int index) {
    return REVISIONS[Math.max(0, index) % REVISIONS.length];
  }

  /** @return the fill of an instance in {@code state} of a revision coloured {@code colour} */
  static String fill(String state, String colour) {
    return switch (state) {
      case "UNHEALTHY" -> "#d62728";
      case "FAILED" -> "#7f0000";
      default -> colour;
    };
  }

  /** @return the fill opacity of an instance in {@code state} */
  static double opacity(String state) {
    return switch (state) {
      case "HEALTHY", "UNHEALTHY", "FAILED" -> 0.9;
      case "RUNNING" -> 0.55;
      case "LAUNCHING" -> 0.3;
      default -> 0.15; // draining, drained
    };
  }

  /** @return the colour of {@code verdict}; grey for one still measuring */
  static String verdict(String verdict) {
    return switch (verdict) {
      case "PASS" -> "#2ca02c";
      case "FAIL" -> "#d62728";
      case "ERROR" -> "#7b1fa2";
      case "INCONCLUSIVE", "INSUFFICIENT_DATA" -> "#f9a825";
      default -> "#757575";
    };
  }

  /** Draws the legend in two rows from ({@code left}, {@code top}). */
  static void legend(Svg svg, Story story, double left, double top) {
    double y = top;
    svg.open("g", "id", "legend", "font-size", 11);
    double x = left;
    for (int i = 0; i < story.revisions().size(); i++) {
      String rev = story.revisions().get(i);
      String role = story.isTarget(rev) ? "new" : story.from().filter(rev::equals).isPresent()
          ? "previous" : "other";
      svg.empty("rect", "x", x, "y", y - 9, "width", 12, "height", 10, "fill", revision(i));
      svg.text("text", rev + " (" + role + ")", "x", x + 16, "y", y);
      x += 180;
    }
    x = left;
    y += 20;
    String c = "#666666";
    for (String[] s : new String[][] {{"HEALTHY", "healthy"}, {"LAUNCHING", "starting"},
        {"UNHEALTHY", "unhealthy"}, {"FAILED", "failed"}, {"DRAINING", "draining"}}) {
      svg.empty("rect", "x", x, "y", y - 9, "width", 12, "height", 10, "fill", fill(s[0], c),
          "fill-opacity", opacity(s[0]), "stroke", c);
      svg.text("text", s[1], "x", x + 16, "y", y);
      x += 84;
    }
    for (String v : new String[] {"PASS", "FAIL", "INCONCLUSIVE", "ERROR"}) {
      svg.empty("circle", "cx", x + 5, "cy", y - 4, "r", 5, "fill", verdict(v));
      svg.text("text", v.toLowerCase(Locale.ROOT), "x", x + 14, "y", y);
      x += 84;
    }
    svg.empty("rect", "x", x, "y", y - 9, "width", 12, "height", 10, "fill", "#ffd54f",
        "fill-opacity", 0.5);
    svg.text("text", "paused", "x", x + 16, "y", y);
    svg.empty("line", "x1", x + 80, "x2", x + 80, "y1", y - 10, "y2", y + 2, "stroke", "#d62728",
        "stroke-width", 3);
    svg.text("text", "rollback", "x", x + 86, "y", y);
    svg.close("g");
  }
}
