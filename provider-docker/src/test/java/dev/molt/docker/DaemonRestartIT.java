package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.docker.testing.DockerEnvironment;
import dev.molt.engine.ContinuousReconciler;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.time.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 3: the Docker daemon restarts (as on a host restart) under a fleet behind
 * HAProxy; every container comes back {@code Exited} and HAProxy answers 503. A continuous
 * reconcile sees the exited containers as failed and replaces every one with a new container
 * (never restarting one in place: Molt sets no restart policy), and HAProxy answers 200 again.
 */
class DaemonRestartIT {
  private static final Path SCRIPT = Path.of("..", "scripts", "docker-env.sh");
  private final DockerFixture docker = new DockerFixture();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void cleanUp() throws Exception {
    executor.shutdownNow();
    docker.close();
  }

  @Test
  void aDaemonRestartIsHealedByContinuousReconcileWithEveryContainerReplaced() {
    DockerFixture.RoutedFleet f = docker.routedFleetOnV1(3);
    Set<String> before = docker.containerIds();
    assertThat(before).hasSize(3);
    assertThat(docker.get()).isEqualTo("v1");
    List<ReconcileReport> reports = new CopyOnWriteArrayList<>();
    ReconcileSpec spec = ReconcileSpec.builder(docker.fleet).capacity(3)
        .declared(f.onV1().target()).unhealthyGrace(Duration.ofSeconds(2)).build();
    ContinuousReconciler loop = ContinuousReconciler.start(f.engine(),
        Scheduler.of(executor), spec, Duration.ofSeconds(1), reports::add);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !reports.isEmpty());

      DockerEnvironment.restartEngine(SCRIPT, DockerEnvironment.defaultEnvFile().getParent());

      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptions().untilAsserted(() -> {
            Set<String> now = docker.containerIds();
            assertThat(now).as("containers").hasSize(3).doesNotContainAnyElementsOf(before);
            assertThat(f.provider().observe(docker.fleet)).extracting(Instance::state)
                .containsOnly(InstanceState.RUNNING);
            assertThat(docker.get()).isEqualTo("v1");
          });
    } finally {
      loop.cancel();
    }
    for (String id : docker.containerIds()) {
      InspectContainerResponse c = docker.client.inspectContainerCmd(id).exec();
      assertThat(c.getRestartCount()).as("restarts of %s", c.getName()).isZero();
      String policy = c.getHostConfig().getRestartPolicy() == null ? ""
          : String.valueOf(c.getHostConfig().getRestartPolicy().getName());
      assertThat(policy).as("restart policy of %s", c.getName()).isIn("", "no", "null");
    }
    Set<String> servers = new HashSet<>();
    f.router().servers().forEach(s -> servers.add(s.name()));
    assertThat(servers).as("HAProxy's servers").hasSize(3);
    assertThat(reports).anySatisfy(r -> assertThat(r.replaced()).isPositive());
  }
}
