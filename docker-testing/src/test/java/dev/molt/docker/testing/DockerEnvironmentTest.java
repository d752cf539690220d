package dev.molt.docker.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.MoltException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEnvironmentTest {
  @TempDir Path dir;

  @Test
  void readsTheEnvFileWrittenByTheScript() throws Exception {
    Path file = Files.writeString(dir.resolve("env"), String.join("\n",
        "# written by scripts/docker-env.sh up (private engine)",
        "export DOCKER_HOST=unix:///tmp/molt-env/docker.sock",
        "export MOLT_HAPROXY_BIN=/usr/sbin/haproxy",
        "export MOLT_TEST_IMAGE_V1=molt-test/web:v1",
        "export MOLT_TEST_IMAGE_V2=molt-test/web:v2",
        "export MOLT_TEST_REGISTRY=127.0.0.1:45007", ""));

    assertThat(DockerEnvironment.load(file)).isEqualTo(new DockerEnvironment(
        "unix:///tmp/molt-env/docker.sock", Path.of("/usr/sbin/haproxy"), "molt-test/web:v1",
        "molt-test/web:v2", "127.0.0.1:45007"));
  }

  @Test
  void withoutAnEngineTheFailureSaysWhatToRun() {
    assertThatThrownBy(() -> DockerEnvironment.load(dir.resolve("env")))
        .isInstanceOf(MoltException.class)
        .hasMessageContaining("no Docker Engine")
        .hasMessageContaining("scripts/docker-env.sh up");
  }

  @Test
  void anIncompleteFileNamesTheMissingVariable() throws Exception {
    Path file = Files.writeString(dir.resolve("env"), "export DOCKER_HOST=tcp://x:2375\n");

    assertThatThrownBy(() -> DockerEnvironment.load(file))
        .isInstanceOf(MoltException.class).hasMessageContaining("MOLT_HAPROXY_BIN");
  }
}
