package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 7: a terminate racing another removal of the same containers (a second engine, a
 * retried terminate, {@code docker rm -f}) ends with the containers gone and no error, whether the
 * engine answers 409 "removal ... already in progress" or 404 to the loser.
 */
class TerminateRaceIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  @Test
  void twoTerminatesOfTheSameContainersBothSucceedAndLeaveNothing() throws Exception {
    DockerProvider first = docker.provider(Optional.empty());
    try (DockerProvider second = DockerProvider.builder(docker.client)
        .stopGrace(Duration.ZERO).build()) {
      for (int round = 0; round < 3; round++) {
        List<Instance> launched = docker.launch(first, DockerFixture.spec(docker.v1), 3);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> racers = new ArrayList<>();
        for (DockerProvider p : List.of(first, second)) {
          racers.add(CompletableFuture.runAsync(() -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            p.terminate(docker.fleet, launched);
          }));
        }
        go.countDown();
        for (CompletableFuture<Void> racer : racers) {
          racer.get(60, TimeUnit.SECONDS); // fails the test with the raw error if one surfaced
        }
        assertThat(docker.containerIds()).as("round %d", round).isEmpty();
      }
    }
  }
}
