package dev.molt.examples;

import dev.molt.Durations;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.MoltException;
import dev.molt.docker.DockerProvider;
import dev.molt.docker.haproxy.HaproxyRuntime;
import dev.molt.docker.haproxy.HaproxyTrafficRouter;
import dev.molt.docker.testing.DockerEnvironment;
import dev.molt.docker.testing.HaproxyProcess;
import dev.molt.docker.testing.TrafficLoad;
import dev.molt.engine.ContinuousReconciler;
import dev.molt.engine.RolloutEngine;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.rollout.RolloutSpec;
import dev.molt.time.Scheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * {@code ./demo --provider docker --scenario reconcile}: a fleet of v1 containers behind HAProxy
 * under a continuous reconcile (a pass every second); the Docker daemon is restarted ({@code
 * scripts/docker-env.sh restart}, as a host restart would: every container stops and stays
 * {@code Exited}, HAProxy answers 503); the reconcile sees them failed and replaces every one with
 * a new container, and HAProxy answers 200 again. Prints how many exited, how long healing took and
 * the requests that failed meanwhile, then cleans up as the rolling Docker demo does.
 */
final class DockerReconcileScenario {
  private static final String FLEET = "web";
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration HEAL_LIMIT = Duration.ofMinutes(2);

  private DockerReconcileScenario() {}

  static int run(DemoOptions options, PrintStream out) {
    long wallStart = System.nanoTime();
    Path script = Path.of("scripts", "docker-env.sh").toAbsolutePath();
    if (!Files.isRegularFile(script)) {
      throw new MoltException("run the demo from the repository root: " + script + " is missing");
    }
    Path envDir = Path.of(System.getenv().getOrDefault("MOLT_ENV_DIR", "/tmp/molt-env"));
    out.println("molt demo: fleet " + FLEET + ", " + options.capacity() + " containers, docker"
        + " provider behind HAProxy, continuous reconcile every " + Durations.text(INTERVAL)
        + ", real time");
    DockerEnvironment env = DockerEnvironment.provision(script, envDir);
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try (HaproxyProcess haproxy = HaproxyProcess.start(env.haproxyBinary(), "web")) {
      HaproxyTrafficRouter router = HaproxyTrafficRouter.builder(
          HaproxyRuntime.unixSocket(haproxy.adminSocket()), "web")
          .checkInterval(Duration.ofMillis(500)).build();
      try (DockerProvider docker = DockerProvider.builder(env.dockerHost()).router(router)
          .stopGrace(Duration.ofSeconds(5)).build()) {
        String summary;
        try {
          summary = heal(options, out, script, envDir, env, haproxy, router, docker, executor,
              wallStart);
        } finally {
          executor.shutdownNow();
          List<Instance> left = docker.observe(FLEET);
          docker.drain(FLEET, left);
          docker.terminate(FLEET, left);
          out.println("cleaned up: containers of fleet " + FLEET + " removed, HAProxy stopped");
        }
        out.println(summary); // the summary stays the last line
        return 0;
      }
    }
  }

  private static String heal(DemoOptions options, PrintStream out, Path script, Path envDir,
      DockerEnvironment env, HaproxyProcess haproxy, HaproxyTrafficRouter router,
      DockerProvider docker, ScheduledExecutorService executor, long wallStart) {
    int n = options.capacity();
    RolloutEngine engine = RolloutEngine.builder(docker).pollInterval(Duration.ofMillis(500))
        .seed(options.seed()).build();
    RolloutSpec onV1 = RolloutSpec.builder(FLEET).capacity(n)
        .target(DockerScenario.spec(docker.images().resolve(env.imageV1())))
        .strategy(DemoStrategies.forDocker("rolling")).build();
    engine.run(onV1);
    DockerScenario.await(() -> router.servers().stream().filter(s -> s.inRotation()
        && s.status().startsWith("UP")).count() >= n, "HAProxy servers up", Duration.ofSeconds(30));
    out.println("fleet " + FLEET + " is on v1: " + n + " containers behind HAProxy at "
        + haproxy.frontend());
    List<ReconcileReport> reports = new CopyOnWriteArrayList<>();
    ReconcileSpec spec = ReconcileSpec.builder(FLEET).capacity(n).declared(onV1.target())
        .unhealthyGrace(Duration.ofSeconds(2)).build();
    ContinuousReconciler loop = ContinuousReconciler.start(engine, Scheduler.of(executor), spec,
        INTERVAL, reports::add);
    try {
      DockerScenario.await(() -> !reports.isEmpty(), "the first reconcile pass",
          Duration.ofSeconds(30));
      Set<String> before = ids(docker.observe(FLEET));
      try (TrafficLoad load = TrafficLoad.start(haproxy.frontend(), 2, Duration.ofMillis(5))) {
        out.println("restarting the Docker daemon (scripts/docker-env.sh restart)");
        DockerEnvironment.restartEngine(script, envDir);
        long back = System.nanoTime();
        // the reconcile may have replaced some already: count the old ones not running any more
        long stillUp = docker.observe(FLEET).stream().filter(i -> before.contains(i.id())
            && i.state() == InstanceState.RUNNING).count();
        out.println("daemon back: " + (before.size() - stillUp) + " of " + n + " containers"
            + " stopped by the restart, none restarted in place (no restart policy)");
        HttpClient http = HttpClient.newHttpClient();
        DockerScenario.await(() -> healed(docker, before, n) && answers200(http,
            haproxy.frontend()), "every container replaced and HAProxy answering", HEAL_LIMIT);
        long healMs = (System.nanoTime() - back) / 1_000_000;
        load.close();
        out.println("healed: " + n + " new containers by continuous reconcile, HAProxy answers"
            + " 200 again, " + healMs + " ms after the daemon was back");
        out.println("traffic: " + load.requests() + " requests, " + load.failed() + " failed"
            + " while the daemon was down (answers " + load.answers() + ")");
        long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
        return "reconcile healed fleet " + FLEET + ": " + n + "/" + n + " containers replaced"
            + " after a daemon restart in " + healMs + " ms (wall " + wallMs + " ms)";
      }
    } finally {
      loop.cancel();
    }
  }

  private static boolean healed(DockerProvider docker, Set<String> before, int n) {
    List<Instance> now = docker.observe(FLEET);
    return now.size() == n && now.stream().noneMatch(i -> before.contains(i.id()))
        && now.stream().allMatch(i -> i.state() == InstanceState.RUNNING);
  }

  private static boolean answers200(HttpClient http, URI frontend) {
    try {
      return http.send(HttpRequest.newBuilder(frontend).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Set<String> ids(List<Instance> instances) {
    return instances.stream().map(Instance::id).collect(Collectors.toSet());
  }
}
