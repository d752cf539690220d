package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecureDefaultsIT {
  private final DockerFixture docker = new DockerFixture();

  @AfterEach
  void cleanUp() throws Exception {
    docker.close();
  }

  @Test
  void launchedContainerIsReadOnlyWithoutNewPrivilegesAndWithoutCapabilities() {
    DockerProvider provider = docker.provider(Optional.empty());
    LaunchSpec spec = DockerFixture.spec(docker.v1).toBuilder().env("GREETING", "hello")
        .secret("TOKEN", "test:token").build();

    Instance launched = docker.launch(provider, spec, 1).get(0);

    InspectContainerResponse inspect = docker.client.inspectContainerCmd(launched.id()).exec();
    assertThat(inspect.getHostConfig().getReadonlyRootfs()).isTrue();
    assertThat(inspect.getHostConfig().getSecurityOpts()).contains("no-new-privileges");
    assertThat(inspect.getHostConfig().getCapDrop()).extracting(Enum::name).containsExactly("ALL");
    assertThat(inspect.getHostConfig().getInit()).isTrue();
    assertThat(inspect.getConfig().getUser()).as("the image sets no user: an unprivileged one")
        .isEqualTo("65534:65534");
    assertThat(inspect.getHostConfig().getPidsLimit()).isEqualTo(1024L);
    assertThat(inspect.getConfig().getImage()).isEqualTo(docker.v1.reference());
    assertThat(inspect.getConfig().getEnv()).contains("GREETING=hello", "TOKEN=s3cr3t");
    assertThat(inspect.getConfig().getLabels()).containsEntry(OwnerLabels.FLEET, docker.fleet)
        .containsEntry(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER)
        .containsEntry(OwnerLabels.REVISION, spec.revision().id())
        .containsEntry(OwnerLabels.ROLLOUT, "ro-test");
    assertThat(launched.address()).hasValueSatisfying(a -> assertThat(a).startsWith("127.0.0.1:"));
  }

  @Test
  void aMemoryLimitAllowsNoSwapAndTheImagesOwnNonRootUserIsKept() {
    DockerProvider provider = docker.provider(Optional.empty());
    String withUser = docker.client.commitCmd(docker.launch(provider,
        DockerFixture.spec(docker.v1), 1).get(0).id()).withUser("1000:1000").exec();
    try {
      LaunchSpec spec = DockerFixture.spec(Image.of(withUser, "user-1000")).toBuilder()
          .option("docker.memory", "64m").build();

      Instance launched = docker.launch(provider, spec, 1).get(0);

      InspectContainerResponse inspect = docker.client.inspectContainerCmd(launched.id()).exec();
      assertThat(inspect.getConfig().getUser()).isEqualTo("1000:1000");
      assertThat(inspect.getHostConfig().getMemory()).isEqualTo(64L << 20);
      assertThat(inspect.getHostConfig().getMemorySwap()).as("MemorySwap == Memory: no swap")
          .isEqualTo(64L << 20);
    } finally {
      docker.terminateAll(List.of(docker.fleet));
      docker.client.removeImageCmd(withUser).withForce(true).exec();
    }
  }

  @Test
  void optionsOptOutOfTheDefaultsExplicitly() {
    DockerProvider provider = docker.provider(Optional.empty());
    LaunchSpec spec = DockerFixture.spec(docker.v1).toBuilder()
        .option("docker.readOnlyRootfs", "false").option("docker.noNewPrivileges", "false")
        .option("docker.capAdd", "NET_BIND_SERVICE").option("docker.nonRoot", "false")
        .option("docker.pidsLimit", "unlimited").option("docker.memory", "64m")
        .option("docker.memorySwap", "unlimited").build();

    Instance launched = docker.launch(provider, spec, 1).get(0);

    InspectContainerResponse inspect = docker.client.inspectContainerCmd(launched.id()).exec();
    assertThat(inspect.getHostConfig().getReadonlyRootfs()).isFalse();
    assertThat(inspect.getHostConfig().getSecurityOpts()).isNullOrEmpty();
    assertThat(inspect.getHostConfig().getCapDrop()).extracting(Enum::name).containsExactly("ALL");
    assertThat(inspect.getHostConfig().getCapAdd()).extracting(Enum::name)
        .containsExactly("NET_BIND_SERVICE");
    assertThat(inspect.getConfig().getUser()).as("the image's (none: root)").isEmpty();
    assertThat(inspect.getHostConfig().getPidsLimit()).as("unlimited")
        .satisfiesAnyOf(p -> assertThat(p).isNull(), p -> assertThat(p).isLessThanOrEqualTo(0L));
    assertThat(inspect.getHostConfig().getMemorySwap()).isEqualTo(-1L);
  }

  @Test
  void badOptionsAndUnknownSecretsCreateNoContainer() {
    DockerProvider provider = docker.provider(Optional.empty());
    LaunchSpec typo = DockerFixture.spec(docker.v1).toBuilder()
        .option("docker.readOnlyRootFS", "false").build();
    LaunchSpec unknownSecret = DockerFixture.spec(docker.v1).toBuilder()
        .secret("DB_PASSWORD", "vault:db/password").build();
    LaunchSpec root = DockerFixture.spec(docker.v1).toBuilder().option("docker.user", "root")
        .build();

    assertThatThrownBy(() -> docker.launch(provider, typo, 1))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("options[docker.readOnlyRootFS]");
    assertThatThrownBy(() -> docker.launch(provider, root, 1))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("options[docker.user]").hasMessageContaining("docker.nonRoot=false");
    assertThatThrownBy(() -> docker.launch(provider, unknownSecret, 1))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("DB_PASSWORD").hasMessageNotContaining("vault:db/password")
        .satisfies(e -> assertThat(((ProviderException) e).retryable()).isFalse());
    assertThat(provider.observe(docker.fleet)).isEmpty();
    assertThat(docker.client.listContainersCmd().withShowAll(true)
        .withLabelFilter(List.of(OwnerLabels.FLEET + "=" + docker.fleet)).exec()).isEmpty();
  }
}
