package dev.molt.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {

  @Test
  void runsTasksInDueOrderAtTheirDueTime() {
    VirtualTime time = VirtualTime.create();
    Instant start = time.now();
    List<String> seen = new ArrayList<>();
    time.schedule(() -> seen.add("b@" + Duration.between(start, time.now()).toSeconds()),
        Duration.ofSeconds(20));
    time.schedule(() -> seen.add("a@" + Duration.between(start, time.now()).toSeconds()),
        Duration.ofSeconds(10));
    time.schedule(() -> seen.add("c@" + Duration.between(start, time.now()).toSeconds()),
        Duration.ofSeconds(20));
    time.advance(Duration.ofSeconds(15));
    assertThat(seen).containsExactly("a@10");
    assertThat(time.now()).isEqualTo(start.plusSeconds(15));
    time.advance(Duration.ofSeconds(15));
    assertThat(seen).containsExactly("a@10", "b@20", "c@20");
    assertThat(time.now()).isEqualTo(start.plusSeconds(30));
    assertThat(time.clock().instant()).isEqualTo(time.now());
  }

  @Test
  void cancelledTasksNeverRun() {
    VirtualTime time = VirtualTime.create();
    List<String> seen = new ArrayList<>();
    Cancellable c = time.schedule(() -> seen.add("x"), Duration.ofSeconds(1));
    c.cancel();
    time.runUntilIdle();
    assertThat(seen).isEmpty();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void awaitDrivesTimeUntilTheFutureCompletes() {
    VirtualTime time = VirtualTime.create();
    CompletableFuture<String> f = new CompletableFuture<>();
    time.schedule(() -> f.complete("done"), Duration.ofHours(5));
    assertThat(time.await(f)).isEqualTo("done");
    assertThat(time.now()).isEqualTo(VirtualTime.create().now().plus(Duration.ofHours(5)));
  }

  @Test
  void awaitFailsLoudlyWhenNothingCanCompleteTheFuture() {
    VirtualTime time = VirtualTime.create();
    assertThatThrownBy(() -> time.await(new CompletableFuture<>()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ran out of tasks");
  }
}
