package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The user data script's quoting survives a real shell, and bad names are refused. */
class UserDataTest {

  @ParameterizedTest
  @ValueSource(strings = {"plain", "it's", "$HOME `id` $(id)", "a\nb", "'", "\\n", "", "x=y; rm"})
  void aQuotedValueReadsBackExactlyInAShell(String value) throws Exception {
    assertThat(shellEcho(UserData.quote(value))).isEqualTo(value);
  }

  @Test
  void randomValuesReadBackExactly() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int n = 0; n < 20; n++) {
      StringBuilder value = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        value.append((char) (32 + random.nextInt(95)));
      }
      assertThat(shellEcho(UserData.quote(value.toString()))).as("seed %d", seed)
          .isEqualTo(value.toString());
    }
  }

  @Test
  void anEnvironmentNameAShellCannotHoldIsRefused() {
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder().env("BAD-NAME", "x").build();

    assertThatThrownBy(() -> UserData.script(spec))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("environment[BAD-NAME]"));
  }

  @Test
  void tooMuchEnvironmentForUserDataIsRefused() {
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .env("BIG", "x".repeat(UserData.MAX_BYTES)).build();

    assertThatThrownBy(() -> UserData.script(spec)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("16384");
  }

  private static String shellEcho(String quoted) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", "printf '%s' " + quoted).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
