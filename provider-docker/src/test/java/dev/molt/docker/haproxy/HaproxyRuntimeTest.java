package dev.molt.docker.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.ProviderException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyRuntimeTest {
  @TempDir Path dir;

  @Test
  void refusesCommandsThatCouldSmuggleAnotherCommand() {
    HaproxyRuntime runtime = HaproxyRuntime.unixSocket(dir.resolve("admin.sock"));

    assertThatThrownBy(() -> runtime.executeAll(List.of("show stat", "del server web/a; x")))
        .isInstanceOf(InvalidSpecException.class).hasMessageStartingWith("commands[1]");
    assertThatThrownBy(() -> runtime.execute("show info\nshutdown frontend fe"))
        .isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void anUnreachableSocketIsARetryableErrorSayingWhatToCheck() {
    HaproxyRuntime runtime = HaproxyRuntime.unixSocket(dir.resolve("missing.sock"));

    assertThatThrownBy(() -> runtime.execute("show info"))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("missing.sock", "stats socket");
        });
  }
}
