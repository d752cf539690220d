package dev.molt.timeline;

import dev.molt.Arguments;
import dev.molt.rollout.Rollout;
import dev.molt.store.RolloutRecord;

/**
 * A picture of one rollout, drawn from its recorded events alone: the instances of each revision
 * in each state over time, the traffic split as a step line, the strategy's step boundaries,
 * pauses and timed waits, every gate measurement with its verdict, and the moment of an abort or
 * rollback and of the end. Nothing is observed again: a rollout read back from a store, long
 * after it ended, draws the same picture as its engine's last snapshot.
 *
 * <pre>{@code
 * Timeline timeline = Timeline.of(store.find(rolloutId).orElseThrow());
 * Files.writeString(Path.of("rollout.svg"), timeline.svg());
 * Files.writeString(Path.of("rollout.html"), timeline.html());
 * }</pre>
 *
 * <p>The output is deterministic: the same history gives the same text, byte for byte (times are
 * shown relative to the rollout's start, in Molt's duration format). A history written before
 * Molt recorded {@code OBSERVED} events draws without the instance counts and says so; one
 * without {@code MEASURED} events shows each analysis's verdict but not its single measurements.
 *
 * <p>Immutable and thread-safe; {@link #svg()} and {@link #html()} draw anew on each call.
 *
 * @param rollout the rollout to draw, with its history
 */
public record Timeline(Rollout rollout) {

  /**
   * Validates the field.
   *
   * @throws dev.molt.InvalidSpecException if {@code rollout} is null
   */
  public Timeline {
    Arguments.required(rollout, "rollout");
  }

  /**
   * @param rollout a rollout snapshot, such as a handle's {@code current()} or {@code await()}
   * @return its timeline
   * @throws dev.molt.InvalidSpecException if {@code rollout} is null
   */
  public static Timeline of(Rollout rollout) {
    return new Timeline(rollout);
  }

  /**
   * @param record a rollout as a {@link dev.molt.store.RolloutStore} keeps it
   * @return the timeline of its latest snapshot
   * @throws dev.molt.InvalidSpecException if {@code record} is null
   */
  public static Timeline of(RolloutRecord record) {
    return new Timeline(Arguments.required(record, "record").rollout());
  }

  /**
   * Draws the picture as a standalone SVG document (1200 wide, with an {@code xmlns} and a
   * {@code viewBox}, so it scales), with a {@code <title>} per mark that a browser shows on hover.
   *
   * @return the SVG text, UTF-8 when written
   */
  public String svg() {
    return TimelineSvg.draw(Story.of(rollout));
  }

  /**
   * Draws the picture in a self-contained HTML page: the SVG inline, followed by the rollout's
   * events as a table. It loads nothing else (no script, font or style sheet from anywhere).
   *
   * @return the HTML text, UTF-8 when written
   */
  public String html() {
    Story story = Story.of(rollout);
    return TimelineHtml.page(story, TimelineSvg.draw(story));
  }
}
