package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Capability;
import dev.molt.InvalidSpecException;
import java.util.HashMap;
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

    assertThat(o).isEqualTo(new LaunchOptions(true, true, true, List.of(), List.of(),
        Optional.empty(), Optional.empty(), Optional.empty(), LaunchOptions.DEFAULT_PIDS_LIMIT,
        Optional.empty(), List.of()));
  }

  @ParameterizedTest(name = "image user ''{0}'', docker.user ''{1}'', nonRoot {2} -> ''{3}''")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // image sets none or root: the unprivileged default
      "-         | -         | true  | 65534:65534",
      "root      | -         | true  | 65534:65534",
      "0:0       | -         | true  | 65534:65534",
      // the image's own non-root user
      "nginx     | -         | true  | nginx",
      "1000:1000 | -         | true  | 1000:1000",
      // the spec's user wins
      "nginx     | 2000:2000 | true  | 2000:2000",
      // opted out: the image's user, whatever it is (empty: Docker's default, root)
      "-         | -         | false | -",
      "root      | 0         | false | 0"})
  void theUserIsNeverRootUnlessOptedOut(String image, String user, boolean nonRoot,
      String expected) {
    Map<String, String> options = new HashMap<>();
    options.put("docker.nonRoot", Boolean.toString(nonRoot));
    if (user != null) {
      options.put("docker.user", user);
    }

    assertThat(LaunchOptions.parse(options).effectiveUser(Optional.ofNullable(image)))
        .isEqualTo(Optional.ofNullable(expected));
  }

  @Test
  void swapEqualsMemoryAndPidsAreLimitedUnlessOptedOut() {
    LaunchOptions defaults = LaunchOptions.parse(Map.of("docker.memory", "256m"));
    LaunchOptions optedOut = LaunchOptions.parse(Map.of("docker.memory", "256m",
        "docker.memorySwap", "unlimited", "docker.pidsLimit", "unlimited"));
    LaunchOptions sized = LaunchOptions.parse(Map.of("docker.memory", "256m",
        "docker.memorySwap", "1g", "docker.pidsLimit", "64"));

    assertThat(defaults.memorySwapBytes()).contains(256L << 20);
    assertThat(defaults.pidsLimit()).isEqualTo(1024);
    assertThat(optedOut.memorySwapBytes()).contains(-1L);
    assertThat(optedOut.pidsLimit()).isEqualTo(-1);
    assertThat(sized.memorySwapBytes()).contains(1L << 30);
    assertThat(sized.pidsLimit()).isEqualTo(64);
    assertThat(LaunchOptions.parse(Map.of()).memorySwapBytes()).as("no memory limit").isEmpty();
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
      "docker.memory, 0m, options[docker.memory]",
      "docker.user, root, options[docker.user]",
      "docker.user, 0:0, options[docker.user]",
      "docker.nonRoot, maybe, options[docker.nonRoot]",
      "docker.pidsLimit, 0, options[docker.pidsLimit]",
      "docker.pidsLimit, many, options[docker.pidsLimit]",
      "docker.memorySwap, 1g, options[docker.memorySwap]"})
  void badOptionsAreRejectedNamingTheField(String key, String value, String field) {
    assertThatThrownBy(() -> LaunchOptions.parse(Map.of(key, value)))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void swapBelowMemoryIsRejected() {
    assertThatThrownBy(() -> LaunchOptions.parse(Map.of("docker.memory", "256m",
        "docker.memorySwap", "128m")))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("options[docker.memorySwap]"));
  }
}
