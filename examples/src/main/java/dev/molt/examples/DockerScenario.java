package dev.molt.examples;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.MoltException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.docker.DockerProvider;
import dev.molt.docker.haproxy.HaproxyRuntime;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.docker.testing.DockerEnvironment;
import dev.molt.docker.testing.HaproxyProcess;
import dev.molt.docker.testing.TrafficLoad;
import dev.molt.engine.RolloutEngine;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code ./demo --provider docker [--strategy rolling|blue-green|canary]}: rolls real containers
 * from v1 to v2 on a Docker Engine behind a real HAProxy while continuous HTTP requests go through
 * it (blue-green and canary set HAProxy weights through the router; each change prints as {@code
 * traffic: <rev>=<w>% <rev>=<w>%}), then removes its containers and stops
 * its HAProxy. The engine, HAProxy binary and images come from {@code scripts/docker-env.sh up},
 * exactly as for the integration tests.
 */
final class DockerScenario {
  private static final String FLEET = "web";

  private DockerScenario() {}

  static int run(DemoOptions options, PrintStream out) {
    long wallStart = System.nanoTime();
    Path script = Path.of("scripts", "docker-env.sh").toAbsolutePath();
    if (!Files.isRegularFile(script)) {
      throw new MoltException("run the demo from the repository root: " + script + " is missing");
    }
    String envDir = System.getenv().getOrDefault("MOLT_ENV_DIR", "/tmp/molt-env");
    out.println("molt demo: fleet " + FLEET + ", " + options.capacity() + " containers, docker"
        + " provider behind HAProxy, real time");
    DockerEnvironment env = DockerEnvironment.provision(script, Path.of(envDir));
    try (HaproxyProcess haproxy = HaproxyProcess.start(env.haproxyBinary(), "web")) {
      HaproxyTrafficRouter router = HaproxyTrafficRouter.builder(HaproxyRuntime.unixSocket(haproxy.adminSocket()), "web")
          .checkInterval(Duration.ofMillis(500)).build();
      try (DockerProvider docker = DockerProvider.builder(env.dockerHost()).router(router)
          .stopGrace(Duration.ofSeconds(5)).build()) {
        Ending ending;
        try {
          ending = roll(options, out, env, haproxy, router, docker, wallStart);
        } finally {
          // the fleet still serves: out of rotation first, since terminate refuses to cut traffic
          List<Instance> left = docker.observe(FLEET);
          docker.drain(FLEET, left);
          docker.terminate(FLEET, left);
          out.println("cleaned up: containers of fleet " + FLEET + " removed, HAProxy stopped");
        }
        ending.summary().ifPresent(out::println); // the summary stays the last line
        return ending.code();
      }
    }
  }

  /** How the demo ends: its exit code, and the summary line to print after cleaning up. */
  private record Ending(int code, Optional<String> summary) {}

  private static Ending roll(DemoOptions options, PrintStream out, DockerEnvironment env,
      HaproxyProcess haproxy, HaproxyTrafficRouter router, DockerProvider docker,
      long wallStart) {
    Image v1 = docker.images().resolve(env.imageV1());
    Image v2 = docker.images().resolve(env.imageV2());
    ProgressPrinter printer = new ProgressPrinter(out, Clock.systemUTC());
    RolloutEngine engine = RolloutEngine.builder(docker).pollInterval(Duration.ofMillis(500))
        .seed(options.seed()).listener(printer).build();
    RolloutSpec base = RolloutSpec.builder(FLEET).capacity(options.capacity()).target(spec(v1))
        .strategy(DemoStrategies.forDocker("rolling")).build();
    printer.quiet(true);
    Rollout first = engine.run(base);
    printer.quiet(false);
    await(() -> router.servers().stream().filter(s -> s.inRotation()
        && s.status().startsWith("UP")).count() >= options.capacity(), "HAProxy servers up");
    out.println("fleet " + FLEET + " is on v1 (" + first.to() + " = " + v1.reference() + "): "
        + options.capacity() + " containers behind HAProxy at " + haproxy.frontend());
    RolloutSpec next = base.toBuilder().target(spec(v2))
        .strategy(DemoStrategies.forDocker(options.strategy())).build();
    if (options.plan()) {
      out.print(engine.plan(next).toText());
      return new Ending(0, Optional.empty());
    }
    out.println("rolling to v2 (" + spec(v2).revision() + ") with "
        + DemoStrategies.describeForDocker(options.strategy())
        + " while requests flow through HAProxy");
    Rollout done;
    try (TrafficLoad load = TrafficLoad.start(haproxy.frontend(), 2, Duration.ofMillis(5))) {
      done = engine.run(next);
      await(() -> load.lastAnswer().equals("v2"), "an answer from v2");
      load.close();
      out.println("traffic: " + load.requests() + " requests, " + load.failed() + " failed"
          + " (answers " + load.answers() + ")");
    }
    options.timeline().ifPresent(file -> TimelineFile.write(file, done, out));
    long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
    long onTarget = docker.observe(FLEET).stream()
        .filter(i -> i.revision().equals(done.to()) && i.state().isAlive())
        .count();
    return new Ending(done.phase() == RolloutPhase.SUCCEEDED ? 0 : 1,
        Optional.of(ProgressPrinter.summary(done, (int) onTarget, options.capacity(), wallMs)));
  }

  static LaunchSpec spec(Image image) {
    return LaunchSpec.builder(image).ports(80)
        .healthCheck(HealthCheck.http(80, "/health").withTimeout(Duration.ofSeconds(1))
            .withInterval(Duration.ofMillis(500))).build(); // probed as often as the engine polls
  }

  /** Waits for a condition, checking every 100 ms, for at most 30 s. */
  private static void await(BooleanSupplier condition, String what) {
    await(condition, what, Duration.ofSeconds(30));
  }

  /** Waits for a condition, checking every 100 ms, for at most {@code limit}. */
  static void await(BooleanSupplier condition, String what, Duration limit) {
    ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> met = new CompletableFuture<>();
    checker.scheduleWithFixedDelay(() -> {
      if (condition.getAsBoolean()) {
        met.complete(null);
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
    try {
      met.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new MoltException("timed out after " + limit.toSeconds() + " s waiting for " + what, e);
    } finally {
      checker.shutdownNow();
    }
  }
}
