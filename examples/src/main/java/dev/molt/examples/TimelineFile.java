package dev.molt.examples;

import dev.molt.MoltException;
import dev.molt.rollout.Rollout;
import dev.molt.timeline.Timeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes the demo's {@code --timeline} picture: SVG, or the HTML page for a {@code .html} name. */
final class TimelineFile {
  private TimelineFile() {}

  /**
   * Writes the timeline of {@code done} to {@code file}, making its folder if needed, and says so
   * on {@code out}.
   *
   * @throws MoltException if the file cannot be written
   */
  static void write(Path file, Rollout done, PrintStream out) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Timeline timeline = Timeline.of(done);
    String text = name.endsWith(".html") || name.endsWith(".htm") ? timeline.html()
        : timeline.svg();
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MoltException("cannot write the timeline to " + file + ": " + e
          + "; pass --timeline a file in a folder you can write to", e);
    }
    out.println("timeline of " + done.id() + " written to " + file);
  }
}
