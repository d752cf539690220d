package dev.molt.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  /**
   * The script run by a real {@code sh} with a stand-in {@code aws} CLI on the PATH: each secret
   * is fetched by name and reads back exactly from the environment file, quotes and all.
   */
  @Test
  void secretsFetchedAtBootReadBackExactlyFromTheEnvironmentFile(@TempDir Path dir)
      throws Exception {
    Path aws = dir.resolve("aws");
    Files.writeString(dir.resolve("db.value"), "it's \"s3cr3t\" $HOME `id` \\n");
    Files.writeString(aws, "#!/bin/sh\ncase \"$*\" in\n"
        + "  *'--name /web/db '*) cat \"$(dirname \"$0\")/db.value\" ;;\n"
        + "  *'--secret-id web/api '*) printf '%s\\n' 'tok=en' ;;\n"
        + "  *) exit 254 ;;\nesac\n");
    assertThat(aws.toFile().setExecutable(true)).isTrue();
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder().env("PLAIN", "x")
        .secret("DB", "ssm:/web/db").secret("API", "secretsmanager:web/api").build();
    Path env = dir.resolve("environment");
    String script = UserData.script(spec, SecretRefs.parse(spec.secrets(), true),
        Optional.of("eu-west-1")).orElseThrow()
        .replace("mkdir -p /etc/molt", "mkdir -p " + dir).replace(UserData.PATH, env.toString());
    assertThat(script).doesNotContain("s3cr3t").contains("export AWS_DEFAULT_REGION='eu-west-1'");

    ProcessBuilder boot = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
    boot.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    Process run = boot.start();
    run.getOutputStream().close();
    assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(new String(run.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8)).isZero();
    assertThat(shellEcho("\"$(. " + env + "; printf '%s|%s|%s' \"$DB\" \"$API\" \"$PLAIN\")\""))
        .isEqualTo("it's \"s3cr3t\" $HOME `id` \\n|tok=en|x");
  }

  @Test
  void aFetchThatFailsStopsTheScript(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("aws"), "#!/bin/sh\nexit 254\n");
    assertThat(dir.resolve("aws").toFile().setExecutable(true)).isTrue();
    LaunchSpec spec = AwsFixture.spec(AwsFixture.AMI_V1).toBuilder()
        .secret("DB", "ssm:/web/db").build();
    String script = UserData.script(spec, SecretRefs.parse(spec.secrets(), true),
        Optional.empty()).orElseThrow().replace("mkdir -p /etc/molt", "mkdir -p " + dir)
        .replace(UserData.PATH, dir.resolve("environment").toString());
    ProcessBuilder boot = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
    boot.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    Process run = boot.start();
    assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(run.exitValue()).isNotZero();
    assertThat(Files.readString(dir.resolve("environment"))).doesNotContain("DB=");
  }

  private static String shellEcho(String quoted) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", "printf '%s' " + quoted).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
