package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.docker.testing.DockerEnvironment;
import dev.molt.docker.testing.HaproxyProcess;
import dev.molt.spi.LaunchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

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
  private int launches;

  DockerFixture() {
    DockerImages images = DockerImages.of(client);
    v1 = images.resolve(env.imageV1());
    v2 = images.resolve(env.imageV2());
  }

  static LaunchSpec spec(Image image) {
    return LaunchSpec.builder(image).ports(80)
        .healthCheck(HealthCheck.http(80, "/health").withTimeout(Duration.ofSeconds(1))).build();
  }

  HaproxyProcess haproxy() {
    if (haproxy.isEmpty()) {
      haproxy = Optional.of(HaproxyProcess.start(env.haproxyBinary(), "web"));
    }
    return haproxy.get();
  }

  HaproxyTrafficRouter router() {
    return HaproxyTrafficRouter.builder(haproxy().runtime(), "web")
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

  /** Launches through {@code provider} with a fresh request key. */
  List<Instance> launch(DockerProvider provider, LaunchSpec spec, int count) {
    return provider.launch(new LaunchRequest(fleet, spec, count, "ro-test",
        "ro-test-" + (++launches)));
  }

  @Override
  public void close() throws Exception {
    try (DockerProvider cleaner = DockerProvider.builder(client).stopGrace(Duration.ZERO).build()) {
      cleaner.terminate(fleet, cleaner.observe(fleet));
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
    haproxy.ifPresent(HaproxyProcess::close);
    client.close();
  }
}
