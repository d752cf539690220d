package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
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
 * Issue 18, item 5 (the part built): a revision whose server exits instead of listening fails as
 * soon as its replacement budget is spent, not after healthy deadlines, and the reason carries the
 * container's exit code and last log lines, with the value of its secret replaced by {@code ***}.
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
}
