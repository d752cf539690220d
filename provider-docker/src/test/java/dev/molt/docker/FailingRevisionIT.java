package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 5: a revision whose server exits instead of listening fails as soon as it has
 * failed for the same cause as often as its replacement budget allows, not after healthy
 * deadlines, and the reason carries the container's exit code and last log lines, with the value
 * of its secret replaced by {@code ***}; one whose server runs but never listens fails within one
 * healthy deadline, with "still running", what the probe saw and its last log lines.
 */
class FailingRevisionIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  /** v2 whose server prints its token and a fatal error, then exits 3 (busybox sh, no spaces). */
  private LaunchSpec crashing() {
    return DockerFixture.spec(docker.v2).toBuilder().secret("TOKEN", "test:token")
        .option("docker.command", "sh -c echo${IFS}token=$TOKEN;echo${IFS}fatal:${IFS}cannot"
            + "${IFS}bind${IFS}port${IFS}80;exit${IFS}3")
        .build();
  }

  @Test
  void aFailedContainerSaysItsExitCodeAndLastLogLinesButNeverItsSecret() {
    DockerProvider provider = docker.provider(Optional.empty());
    docker.launch(provider, crashing(), 1);

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
        provider.observe(docker.fleet).stream().anyMatch(i -> i.state() == InstanceState.FAILED));
    Instance failed = provider.observe(docker.fleet).get(0);

    assertThat(failed.labels().get(OwnerLabels.FAILURE))
        .contains("exited with code 3", "fatal: cannot bind port 80", "token=***")
        .doesNotContain("s3cr3t");
  }

  @Test
  void aRolloutToItFailsOnceTheBudgetIsSpentWithTheCauseInTheReason() throws Exception {
    DockerProvider provider = docker.provider(Optional.empty());
    RolloutEngine engine = DockerFixture.engine(provider);
    RolloutSpec onV1 = RolloutSpec.builder(docker.fleet).capacity(2)
        .target(DockerFixture.spec(docker.v1))
        .strategy(RollingUpdate.of(Amount.of(2), Amount.of(0))).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    RollingUpdate oneReplacement = RollingUpdate.of(Amount.of(1), Amount.of(0))
        .withMaxReplacements(1); // healthy deadline: the default 5 min

    // bounded well below one healthy deadline: the containers exit, they are not waited for
    Rollout done = engine.start(onV1.toBuilder().target(crashing()).strategy(oneReplacement).build())
        .completion().get(90, TimeUnit.SECONDS);

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("exited with code 3", "fatal: cannot bind port 80").doesNotContain("s3cr3t"));
    List<Instance> left = provider.observe(docker.fleet);
    assertThat(left).hasSize(2)
        .allMatch(i -> i.revision().equals(DockerFixture.spec(docker.v1).revision()));
  }

  /** v2 whose server prints its token and a line, then runs without ever listening. */
  private LaunchSpec neverListening() {
    return DockerFixture.spec(docker.v2).toBuilder().secret("TOKEN", "test:token")
        .option("docker.command", "sh -c echo${IFS}token=$TOKEN;echo${IFS}starting${IFS}worker;"
            + "exec${IFS}sleep${IFS}600")
        .build();
  }

  @Test
  void aRevisionThatRunsButNeverListensFailsWithinOneHealthyDeadline() throws Exception {
    DockerProvider provider = docker.provider(Optional.empty());
    RolloutEngine engine = DockerFixture.engine(provider);
    RolloutSpec onV1 = RolloutSpec.builder(docker.fleet).capacity(2)
        .target(DockerFixture.spec(docker.v1))
        .strategy(RollingUpdate.of(Amount.of(2), Amount.of(0))).build();
    assertThat(engine.run(onV1).phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    // surge 2 = the budget: both fail at their first deadline, for the same cause. Before the
    // same-cause rule both were replaced and the rollout failed only at the second deadline.
    RollingUpdate surge2 = RollingUpdate.of(Amount.of(2), Amount.of(0))
        .withHealthyDeadline(Duration.ofSeconds(10)).withMaxReplacements(2);
    LaunchSpec v2 = neverListening();

    Rollout done = engine.start(onV1.toBuilder().target(v2).strategy(surge2).build())
        .completion().get(90, TimeUnit.SECONDS);

    assertThat(done.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    int v2Launched = done.events(RolloutEvent.Type.LAUNCHED).stream()
        .filter(e -> e.message().contains("revision=" + v2.revision()))
        .mapToInt(e -> Integer.parseInt(e.message().replaceAll(".*count=(\\d+).*", "$1")))
        .sum();
    assertThat(v2Launched).as("v2 containers launched (no replacement)").isEqualTo(2);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r)
        .contains("2 instances of " + v2.revision() + " failed for the same cause within 10s")
        .contains("container still running, not healthy: GET /health at 127.0.0.1:")
        .contains("starting worker", "token=***")
        .doesNotContain("s3cr3t"));
    assertThat(provider.observe(docker.fleet)).hasSize(2)
        .allMatch(i -> i.revision().equals(DockerFixture.spec(docker.v1).revision()));
  }
}
