package dev.molt.timeline;

import dev.molt.Durations;
import dev.molt.rollout.RolloutEvent;
import java.time.Duration;

/**
 * Wraps the SVG in a self-contained HTML page: a heading, the picture inline (without its XML
 * declaration), and a table of every event with its time since the start, type, phase, step and
 * message. Loads nothing: the style sheet is inline and there is no script.
 */
final class TimelineHtml {
  private static final String STYLE = String.join("\n",
      "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:16px;color:#222;"
          + "background:#fff}",
      "h1{font-size:20px;margin:0 0 4px}",
      "p.summary{margin:0 0 12px;color:#444}",
      "figure{margin:0 0 16px}",
      "figure svg{max-width:100%;height:auto;border:1px solid #ddd}",
      "table{border-collapse:collapse;font-size:12px}",
      "th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}",
      "th{background:#f3f3f3}",
      "td.at{white-space:nowrap;font-variant-numeric:tabular-nums}",
      "tr.ABORTING td,tr.ROLLED_BACK td,tr.FAILED td{background:#fdecea}",
      "tr.SUCCEEDED td{background:#e8f5e9}",
      "tr.OBSERVED td,tr.MEASURED td{color:#555}");

  private TimelineHtml() {}

  /** @return the page around {@code svg}, the picture of {@code story} */
  static String page(Story story, String svg) {
    var r = story.rollout();
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(Svg.escape("Rollout " + r.id() + " timeline"))
        .append("</title>\n<style>\n").append(STYLE).append("\n</style>\n</head>\n<body>\n")
        .append("<h1>Rollout ").append(Svg.escape(r.id())).append(" of fleet ")
        .append(Svg.escape(r.fleet())).append("</h1>\n")
        .append("<p class=\"summary\">").append(Svg.escape(r.summary())).append("</p>\n")
        .append("<figure id=\"timeline\">\n")
        .append(svg.substring(svg.indexOf("<svg")))
        .append("</figure>\n<table id=\"events\">\n<thead><tr><th>time</th><th>event</th>")
        .append("<th>phase</th><th>step</th><th>message</th></tr></thead>\n<tbody>\n");
    for (RolloutEvent e : r.history()) {
      out.append("<tr class=\"").append(e.type()).append("\"><td class=\"at\">+")
          .append(Svg.escape(Durations.text(Duration.between(story.start(), e.at()))))
          .append("</td><td>").append(e.type()).append("</td><td>").append(e.phase())
          .append("</td><td>").append(e.step()).append("</td><td>")
          .append(Svg.escape(e.message())).append("</td></tr>\n");
    }
    return out.append("</tbody>\n</table>\n</body>\n</html>\n").toString();
  }
}
