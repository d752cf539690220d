package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.ProviderException;
import dev.molt.engine.RetrySettings;
import dev.molt.engine.RolloutEngine;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 1: a pinned image the host lacks is pulled by digest from the registry (Debian's
 * docker-registry on loopback, started by scripts/docker-env.sh with both test images pushed to
 * it) before the container is created; a digest the registry lacks fails the launch once,
 * non-retryably, naming the image.
 */
class RegistryPullIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  /** @return {@code <registry>/molt-test/web@sha256:...} of the v1 image pushed by the script */
  private String pushedV1() {
    String repository = docker.env.registry() + "/molt-test/web";
    List<String> digests = docker.client.inspectImageCmd(repository + ":v1").exec()
        .getRepoDigests();
    return digests.stream().filter(d -> d.startsWith(repository + "@")).findFirst()
        .orElseThrow(() -> new AssertionError("docker-env.sh up pushed no " + repository
            + ":v1 (repo digests " + digests + ")"));
  }

  private boolean engineHas(String reference) {
    try {
      docker.client.inspectImageCmd(reference).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  @Test
  void aPinnedImageMissingOnTheHostIsPulledByDigestThenRuns() {
    String pinned = pushedV1();
    // drop only the digest reference: the image's bits stay under its tags for the other tests,
    // and the engine must fetch the manifest from the registry to know the digest again
    docker.client.removeImageCmd(pinned).exec();
    assertThat(engineHas(pinned)).as("%s gone before the launch", pinned).isFalse();
    DockerProvider provider = docker.provider(Optional.empty());

    Instance launched = docker.launch(provider,
        DockerFixture.spec(Image.of(pinned, "v1-from-registry")), 1).get(0);

    assertThat(engineHas(pinned)).as("%s pulled", pinned).isTrue();
    InspectContainerResponse inspect = docker.client.inspectContainerCmd(launched.id()).exec();
    assertThat(inspect.getConfig().getImage()).isEqualTo(pinned);
    assertThat(inspect.getState().getRunning()).isTrue();
  }

  @Test
  void aDigestTheRegistryLacksFailsTheLaunchOnceNonRetryablyNamingTheImage() throws Exception {
    String missing = docker.env.registry() + "/molt-test/web@sha256:" + "0".repeat(64);
    DockerProvider provider = docker.provider(Optional.empty());
    Image image = Image.of(missing, "never-pushed");

    assertThatThrownBy(() -> docker.launch(provider, DockerFixture.spec(image), 2))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.operation()).isEqualTo("launch");
          assertThat(e.getMessage()).contains(missing, "manifest unknown");
        });
    assertThat(docker.containerIds()).as("nothing created").isEmpty();

    // the engine gets the same answer: the step fails after its refusals, well before the 10 min
    // progress deadline, with the image named in the reason
    RolloutEngine engine = RolloutEngine.builder(provider).pollInterval(Duration.ofMillis(200))
        .retries(RetrySettings.defaults().withRefusals(Duration.ofMillis(200), 3)).build();
    Rollout done = engine.start(RolloutSpec.builder(docker.fleet).capacity(2)
        .target(DockerFixture.spec(image)).build()).completion().get(60, TimeUnit.SECONDS);

    assertThat(done.phase()).isIn(RolloutPhase.FAILED, RolloutPhase.ROLLED_BACK);
    assertThat(done.reason()).hasValueSatisfying(r -> assertThat(r).contains(missing,
        "refused 3 times"));
    assertThat(docker.containerIds()).isEmpty();
  }
}
