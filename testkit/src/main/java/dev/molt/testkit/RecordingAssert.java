package dev.molt.testkit;

import dev.molt.Revision;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a {@link Recording}. Failure messages print the offending frames. */
public final class RecordingAssert extends AbstractAssert<RecordingAssert, Recording> {

  RecordingAssert(Recording actual) {
    super(actual, RecordingAssert.class);
  }

  /**
   * Fails if nothing was recorded, or if at any recorded event fewer than {@code floor} instances
   * were healthy.
   *
   * @param floor the least serving capacity allowed
   * @return this
   */
  public RecordingAssert servingNeverBelow(int floor) {
    isNotNull();
    List<Recording.Frame> low = actual.frames().stream().filter(f -> f.serving() < floor).toList();
    if (actual.frames().isEmpty() || !low.isEmpty()) {
      failWithMessage("Expecting fleet %s to serve with at least %d healthy instances at every"
          + " event, but %s:%n%s", actual.fleet(), floor, actual.frames().isEmpty()
          ? "nothing was recorded" : low.size() + " events were below", frames(low));
    }
    return this;
  }

  /**
   * Fails if nothing was recorded, or if at any recorded event more than {@code ceiling}
   * instances were alive.
   *
   * @param ceiling the most instances allowed at once
   * @return this
   */
  public RecordingAssert totalNeverAbove(int ceiling) {
    isNotNull();
    List<Recording.Frame> high = actual.frames().stream().filter(f -> f.total() > ceiling)
        .toList();
    if (actual.frames().isEmpty() || !high.isEmpty()) {
      failWithMessage("Expecting fleet %s to run at most %d instances at every event, but %s:%n%s",
          actual.fleet(), ceiling, actual.frames().isEmpty() ? "nothing was recorded"
              : high.size() + " events were above", frames(high));
    }
    return this;
  }

  /**
   * Fails if the successive traffic splits seen differ from {@code expected}.
   *
   * @param expected the splits, oldest first, each percent per revision
   * @return this
   */
  public RecordingAssert hasTrafficHistory(List<Map<Revision, Integer>> expected) {
    isNotNull();
    if (!actual.trafficHistory().equals(expected)) {
      failWithMessage("Expecting fleet %s to have the traffic history%n  %s%nbut it was%n  %s",
          actual.fleet(), expected, actual.trafficHistory());
    }
    return this;
  }

  private static String frames(List<Recording.Frame> frames) {
    return frames.stream().limit(20).map(f -> "  " + f.at() + " " + f.type() + " serving="
        + f.serving() + " total=" + f.total()).collect(Collectors.joining("\n"));
  }
}
