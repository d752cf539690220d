package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.docker.haproxy.HaproxyRuntime;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.docker.testing.DockerEnvironment;
import dev.molt.docker.testing.HaproxyProcess;
import dev.molt.engine.RolloutEngine;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * One test's view of the real engine provisioned by {@code scripts/docker-env.sh up}: a client, a
 * fleet name of its own, the pinned test images, optionally an HAProxy; {@link #close()} removes
 * the fleet's containers and stops HAProxy. Fails (never skips) when there is no engine.
 */
final class DockerFixture implements AutoCloseable {
  // read per fixture, so that every test fails with the same clear message when there is no engine
  final DockerEnvironment env = DockerEnvironment.load(DockerEnvironment.defaultEnvFile());
  final DockerClient client = DockerClients.forHost(env.dockerHost());
  final String fleet = "it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  final Image v1;
  final Image v2;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Optional<HaproxyProcess> haproxy = Optional.empty();
  private final HttpClient http = HttpClient.newHttpClient();
  private int launches;

  DockerFixture() {
    DockerImages images = DockerImages.of(client);
    v1 = images.resolve(env.imageV1());
    v2 = images.resolve(env.imageV2());
  }

  /** @return the test image serving port 80, probed every 500 ms (the engines here poll so) */
  static LaunchSpec spec(Image image) {
    return LaunchSpec.builder(image).ports(80)
        .healthCheck(HealthCheck.http(80, "/health").withTimeout(Duration.ofSeconds(1))
            .withInterval(Duration.ofMillis(500))).build();
  }

  HaproxyProcess haproxy() {
    if (haproxy.isEmpty()) {
      haproxy = Optional.of(HaproxyProcess.start(env.haproxyBinary(), "web"));
    }
    return haproxy.get();
  }

  HaproxyTrafficRouter router() {
    return HaproxyTrafficRouter.builder(HaproxyRuntime.unixSocket(haproxy().adminSocket()), "web")
        .checkInterval(Duration.ofMillis(500)).build();
  }

  DockerProvider provider(Optional<HaproxyTrafficRouter> router) {
    DockerProvider.Builder b = DockerProvider.builder(client).stopGrace(Duration.ofSeconds(5))
        .secrets(SecretResolver.of(java.util.Map.of("test:token", "s3cr3t")));
    router.ifPresent(b::router);
    DockerProvider p = b.build();
    closing.add(0, p);
    return p;
  }

  /** @return an engine over {@code provider} polling every 500 ms */
  static RolloutEngine engine(DockerProvider provider) {
    return RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(500)).build();
  }

  /**
   * Rolls {@code capacity} containers of v1 out (a rolling update, surge 2) and waits until
   * HAProxy has them all up.
   *
   * @return the spec that did it, to derive the rollouts under test from
   */
  RolloutSpec deployV1(RolloutEngine engine, HaproxyTrafficRouter router, int capacity) {
    RollingUpdate rolling = RollingUpdate.of(Amount.of(2), Amount.of(0))
        .withHealthyDeadline(Duration.ofSeconds(60));
    RolloutSpec onV1 = RolloutSpec.builder(fleet).capacity(capacity).target(spec(v1))
        .strategy(rolling).drainTimeout(Duration.ofSeconds(30)).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    await().atMost(Duration.ofSeconds(20)).until(() -> router.servers().stream()
        .filter(s -> s.inRotation() && s.status().startsWith("UP")).count() == capacity);
    return onV1;
  }

  /** A fleet on v1 behind this fixture's HAProxy, and what drives it. */
  record RoutedFleet(HaproxyTrafficRouter router, DockerProvider provider, RolloutEngine engine,
      RolloutSpec onV1) {}

  /** @return {@code capacity} containers of v1 behind HAProxy, rolled out by a fresh engine */
  RoutedFleet routedFleetOnV1(int capacity) {
    HaproxyTrafficRouter router = router();
    DockerProvider provider = provider(Optional.of(router));
    RolloutEngine engine = engine(provider);
    return new RoutedFleet(router, provider, engine, deployV1(engine, router, capacity));
  }

  /** @return ids of every container (running or not) carrying this fleet's label */
  Set<String> containerIds() {
    return client.listContainersCmd().withShowAll(true)
        .withLabelFilter(java.util.Map.of(OwnerLabels.FLEET, fleet)).exec().stream()
        .map(Container::getId).collect(Collectors.toSet());
  }

  /** @return the body of one GET through HAProxy's frontend, which must answer 200 */
  String get() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(haproxy().frontend())
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("status of GET %s", haproxy().frontend()).isEqualTo(200);
      return r.body().strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** @return how many of {@code requests} GETs through HAProxy {@code answer} answered */
  int countAnswers(String answer, int requests) {
    int n = 0;
    for (int i = 0; i < requests; i++) {
      n += get().equals(answer) ? 1 : 0;
    }
    return n;
  }

  /** Launches through {@code provider} with a fresh request key. */
  List<Instance> launch(DockerProvider provider, LaunchSpec spec, int count) {
    return provider.launch(new LaunchRequest(fleet, spec, count, "ro-test",
        "ro-test-" + (++launches)));
  }

  /** Removes every container of these fleets (and of the fixture's own). */
  void terminateAll(List<String> fleets) {
    try (DockerProvider cleaner = DockerProvider.builder(client).stopGrace(Duration.ZERO).build()) {
      fleets.forEach(f -> cleaner.terminate(f, cleaner.observe(f)));
    }
  }

  @Override
  public void close() throws Exception {
    terminateAll(List.of(fleet));
    for (AutoCloseable c : closing) {
      c.close();
    }
    haproxy.ifPresent(HaproxyProcess::close);
    client.close();
  }
}
