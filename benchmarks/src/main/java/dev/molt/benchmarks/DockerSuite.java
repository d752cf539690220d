package dev.molt.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.docker.DockerProvider;
import dev.molt.docker.testing.DockerEnvironment;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code docker}: Molt's rolling update of 5 real containers (v1 → v2, no router) at surge 1 and
 * 2, against the raw engine's floor measured in the same run: create + start of 5 containers, then
 * stop + remove of 5, one after another through the Engine API, as the same client would. Each
 * figure is the median of {@code --runs} (default 5). Molt and the floor use one client. The engine comes from {@code
 * scripts/docker-env.sh up}, as for the demo. Prints {@code docker_rolling n=5 surge=<s>
 * molt_ms=<m> floor_ms=<f> ratio=<m/f>}, then {@code docker_floor surge=<s> create_start_ms=<a>
 * stop_remove_ms=<b>}: the floor's two halves.
 */
final class DockerSuite implements Suite {
  static final int CONTAINERS = 5;
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public String summary() {
    return "rolling update of 5 real containers at surge 1 and 2 vs the engine's floor";
  }

  @Override
  public int run(Options options, PrintStream out) {
    int runs = options.runs();
    Path script = script();
    Path envDir = Path.of(System.getenv().getOrDefault("MOLT_ENV_DIR", "/tmp/molt-env"));
    DockerEnvironment env = DockerEnvironment.provision(script, envDir);
    out.println("suite: docker");
    out.println("engine: " + env.dockerHost());
    out.println("poll: " + Format.seconds(POLL));
    out.println("runs: " + runs);
    try (DockerClient client = client(env.dockerHost());
        DockerProvider docker = DockerProvider.builder(client).stopGrace(STOP_GRACE).build()) {
      Image v1 = docker.images().resolve(env.imageV1());
      Image v2 = docker.images().resolve(env.imageV2());
      for (int surge : List.of(1, 2)) {
        List<Long> molt = new ArrayList<>();
        List<Long> floor = new ArrayList<>();
        List<Long> up = new ArrayList<>();
        List<Long> down = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          molt.add(rolling(docker, v1, v2, surge));
          long[] f = floor(client, v2);
          up.add(f[0]);
          down.add(f[1]);
          floor.add(f[0] + f[1]);
        }
        out.println(line(surge, median(molt), median(floor)));
        out.println("docker_floor surge=" + surge + " create_start_ms=" + median(up)
            + " stop_remove_ms=" + median(down));
      }
    } catch (java.io.IOException e) {
      throw new MoltException("closing the Docker client: " + e.getMessage(), e);
    }
    return 0;
  }

  /** The same client settings as the provider's own (90 s response timeout, 32 connections). */
  private static DockerClient client(String host) {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(host).build();
    return DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig()).maxConnections(32)
        .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(90))
        .build());
  }

  /** @return the figure line for one surge */
  static String line(int surge, long moltMs, long floorMs) {
    return "docker_rolling n=" + CONTAINERS + " surge=" + surge + " molt_ms=" + moltMs
        + " floor_ms=" + floorMs + " ratio="
        + Format.ratio(Duration.ofMillis(moltMs), Duration.ofMillis(floorMs));
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** @return milliseconds of the v1 → v2 rolling update of a fresh fleet (its v1 deploy untimed) */
  private static long rolling(DockerProvider docker, Image v1, Image v2, int surge) {
    String fleet = "bench-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    RolloutEngine engine = RolloutEngine.builder(docker).pollInterval(POLL).build();
    RolloutSpec onV1 = RolloutSpec.builder(fleet).capacity(CONTAINERS).target(spec(v1))
        .strategy(RollingUpdate.of(Amount.of(CONTAINERS), Amount.of(0))).build();
    try {
      expect(engine.run(onV1), "deploy of v1");
      long start = System.nanoTime();
      expect(engine.run(onV1.toBuilder().target(spec(v2))
          .strategy(RollingUpdate.of(Amount.of(surge), Amount.of(0))).build()), "update to v2");
      return (System.nanoTime() - start) / 1_000_000;
    } finally {
      docker.terminate(fleet, docker.observe(fleet));
    }
  }

  /**
   * @return milliseconds of create + start of 5 containers, then of stop + remove of the 5, each
   *     one call after another
   */
  private static long[] floor(DockerClient client, Image image) {
    String prefix = "bench-floor-" + HexFormat.of().toHexDigits(
        ThreadLocalRandom.current().nextInt());
    ExposedPort http = ExposedPort.tcp(80);
    Ports ports = new Ports();
    ports.bind(http, Ports.Binding.bindIp("127.0.0.1"));
    List<String> ids = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < CONTAINERS; i++) {
        String id = client.createContainerCmd(image.reference()).withName(prefix + "-" + i)
            .withExposedPorts(http)
            .withHostConfig(HostConfig.newHostConfig().withInit(true).withPortBindings(ports))
            .exec().getId();
        ids.add(id);
        client.startContainerCmd(id).exec();
      }
      long started = System.nanoTime();
      for (String id : List.copyOf(ids)) {
        client.stopContainerCmd(id).withTimeout((int) STOP_GRACE.toSeconds()).exec();
        client.removeContainerCmd(id).exec();
        ids.remove(id);
      }
      return new long[] {(started - start) / 1_000_000, (System.nanoTime() - started) / 1_000_000};
    } finally {
      for (String id : ids) {
        client.removeContainerCmd(id).withForce(true).exec();
      }
    }
  }

  private static void expect(Rollout r, String what) {
    if (r.phase() != RolloutPhase.SUCCEEDED) {
      throw new MoltException("the benchmark's " + what + " did not succeed: " + r);
    }
  }

  private static LaunchSpec spec(Image image) {
    return LaunchSpec.builder(image).ports(80).healthCheck(HealthCheck.http(80, "/health")
        .withTimeout(Duration.ofSeconds(1)).withInterval(POLL)).build();
  }

  /** {@code scripts/docker-env.sh} from the working directory, else beside the jar's module. */
  private static Path script() {
    Path here = Path.of("scripts", "docker-env.sh").toAbsolutePath();
    if (Files.isRegularFile(here)) {
      return here;
    }
    throw new UsageException("run from the repository root: " + here + " is missing (the suite"
        + " provisions its engine with scripts/docker-env.sh up, as the demo does)");
  }
}
