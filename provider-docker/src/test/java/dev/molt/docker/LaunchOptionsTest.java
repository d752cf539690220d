package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Capability;
import dev.molt.InvalidSpecException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LaunchOptionsTest {
  @Test
  void defaultsAreSecureAndOtherProvidersOptionsAreIgnored() {
    LaunchOptions o = LaunchOptions.parse(Map.of("aws.instanceType", "t3.micro"));

    assertThat(o).isEqualTo(new LaunchOptions(true, true, List.of(), List.of(), Optional.empty(),
        Optional.empty(), Optional.empty(), List.of()));
  }

  @Test
  void optOutsAreRead() {
    LaunchOptions o = LaunchOptions.parse(Map.of("docker.readOnlyRootfs", "false",
        "docker.noNewPrivileges", "false", "docker.capAdd", "cap_net_bind_service, CHOWN",
        "docker.tmpfs", "/tmp,/run", "docker.user", "1000:1000", "docker.memory", "256m",
        "docker.command", "httpd -f -p 8080"));

    assertThat(o.readOnlyRootfs()).isFalse();
    assertThat(o.noNewPrivileges()).isFalse();
    assertThat(o.capAdd()).containsExactly(Capability.NET_BIND_SERVICE, Capability.CHOWN);
    assertThat(o.tmpfs()).containsExactly("/tmp", "/run");
    assertThat(o.user()).contains("1000:1000");
    assertThat(o.memoryBytes()).contains(256L << 20);
    assertThat(o.command()).containsExactly("httpd", "-f", "-p", "8080");
  }

  @ParameterizedTest
  @CsvSource({
      "docker.readOnlyRootFS, false, options[docker.readOnlyRootFS]",
      "docker.readOnlyRootfs, no, options[docker.readOnlyRootfs]",
      "docker.capAdd, SUPERPOWER, options[docker.capAdd]",
      "docker.memory, lots, options[docker.memory]",
      "docker.memory, 0m, options[docker.memory]"})
  void badOptionsAreRejectedNamingTheField(String key, String value, String field) {
    assertThatThrownBy(() -> LaunchOptions.parse(Map.of(key, value)))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo(field));
  }
}
