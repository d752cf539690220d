package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.docker.haproxy.HaproxyServer;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.spi.Health;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HAProxy router on a real HAProxy in front of real containers. */
class HaproxyWeightsIT {
  private final DockerFixture docker = new DockerFixture();
  private HaproxyTrafficRouter router;
  private Instance blue;
  private Instance green;

  @BeforeEach
  void twoHealthyContainersInTheBackend() {
    router = docker.router();
    DockerProvider provider = docker.provider(Optional.empty()); // the test drives the router
    blue = docker.launch(provider, DockerFixture.spec(docker.v1), 1).get(0);
    green = docker.launch(provider, DockerFixture.spec(docker.v2), 1).get(0);
    router.add(List.of(blue, green));
    await().atMost(Duration.ofSeconds(30)).until(() -> provider.health(docker.fleet,
        List.of(blue, green)).values().stream().filter(h -> h == Health.HEALTHY).count() == 2);
  }

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  @Test
  void weights80To20SendAFifthOfRequestsToV2() {
    Revision v1 = blue.revision();
    Revision v2 = green.revision();

    router.setWeights(docker.fleet, Map.of(v1, 80, v2, 20));
    router.admit(List.of(blue, green));
    awaitUp(2);

    assertThat(router.weights(docker.fleet)).isEqualTo(Map.of(v1, 80, v2, 20));
    assertThat(router.served()).isEqualTo(Map.of(v1, 80, v2, 20));
    int v2Answers = docker.countAnswers("v2", 1000);
    assertThat(v2Answers).as("v2 answers of 1000 at weight 20%").isBetween(150, 250);
  }

  @Test
  void aServerJoiningARevisionWithShare0GetsNoTrafficUntilASplitGivesItSome() {
    router.admit(List.of(blue));
    awaitUp(1);
    router.setWeights(docker.fleet, Map.of(blue.revision(), 100, green.revision(), 0));

    router.admit(List.of(green)); // as health() does once green is healthy
    awaitUp(2);

    assertThat(docker.countAnswers("v1", 50)).as("servers %s", router.servers()).isEqualTo(50);
    router.setWeights(docker.fleet, Map.of(blue.revision(), 0, green.revision(), 100));
    assertThat(docker.countAnswers("v2", 50)).isEqualTo(50);
    router.setWeights(docker.fleet, Map.of());
    assertThat(router.weights(docker.fleet)).isEmpty();
    assertThat(docker.countAnswers("v2", 100)).isEqualTo(50);
  }

  @Test
  void drainedServerGetsNoNewRequestsAndIsRemovedWhenIdle() {
    router.admit(List.of(blue, green));
    awaitUp(2);

    router.drain(List.of(blue));

    for (int i = 0; i < 50; i++) {
      assertThat(docker.get()).isEqualTo("v2");
    }
    HaproxyServer drained = server(blue);
    assertThat(drained.draining()).isTrue();
    assertThat(drained.idle()).isTrue();
    router.remove(List.of(blue));
    assertThat(router.servers()).extracting(HaproxyServer::name).containsExactly(green.id());
    router.remove(List.of(blue)); // already gone: not an error
  }

  private void awaitUp(int servers) {
    await().atMost(Duration.ofSeconds(20)).until(() -> router.servers().stream()
        .filter(s -> s.inRotation() && s.status().startsWith("UP")).count() == servers);
  }

  private HaproxyServer server(Instance instance) {
    return router.servers().stream().filter(s -> s.name().equals(instance.id())).findFirst()
        .orElseThrow();
  }
}
