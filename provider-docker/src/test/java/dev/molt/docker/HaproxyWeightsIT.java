package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.Revision;
import dev.molt.docker.haproxy.HaproxyServer;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.spi.Health;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  private final HttpClient http = HttpClient.newHttpClient();
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
  void weights80To20SendAFifthOfRequestsToV2() throws Exception {
    Revision v1 = blue.revision();
    Revision v2 = green.revision();

    router.setWeights(Map.of(v1, 80, v2, 20));
    router.admit(List.of(blue, green));
    awaitUp(2);

    assertThat(router.weights()).isEqualTo(Map.of(v1, 80, v2, 20));
    int v2Answers = 0;
    for (int i = 0; i < 1000; i++) {
      if (get().equals("v2")) {
        v2Answers++;
      }
    }
    assertThat(v2Answers).as("v2 answers of 1000 at weight 20%").isBetween(150, 250);
  }

  @Test
  void drainedServerGetsNoNewRequestsAndIsRemovedWhenIdle() throws Exception {
    router.admit(List.of(blue, green));
    awaitUp(2);

    router.drain(List.of(blue));

    for (int i = 0; i < 50; i++) {
      assertThat(get()).isEqualTo("v2");
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

  private String get() throws Exception {
    URI uri = docker.haproxy().frontend();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().strip();
  }
}
