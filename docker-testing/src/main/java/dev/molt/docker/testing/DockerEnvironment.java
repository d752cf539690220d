package dev.molt.docker.testing;

import dev.molt.MoltException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What {@code scripts/docker-env.sh up} provisioned: the engine's {@code DOCKER_HOST}, the HAProxy
 * binary, the two test images and the loopback registry they were pushed to, read from the env
 * file it writes ({@code $MOLT_ENV_DIR/env}, default {@code /tmp/molt-env/env}).
 *
 * @param dockerHost the engine to use
 * @param haproxyBinary the HAProxy executable
 * @param imageV1 the tag of the image serving {@code v1}
 * @param imageV2 the tag of the image serving {@code v2}
 * @param registry the registry holding both as {@code molt-test/web:v1} and {@code :v2}, as
 *     {@code 127.0.0.1:<port>}
 */
public record DockerEnvironment(
    String dockerHost, Path haproxyBinary, String imageV1, String imageV2, String registry) {

  /**
   * The env file to read: system property {@code molt.env.file}, else {@code $MOLT_ENV_DIR/env},
   * else {@code /tmp/molt-env/env}.
   *
   * @return the path
   */
  public static Path defaultEnvFile() {
    String property = System.getProperty("molt.env.file");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String dir = System.getenv("MOLT_ENV_DIR");
    return Path.of(dir == null || dir.isBlank() ? "/tmp/molt-env" : dir, "env");
  }

  /**
   * Reads an env file.
   *
   * @param envFile the file written by {@code docker-env.sh up}
   * @return the environment
   * @throws MoltException naming the file and what to run when it is missing or incomplete
   */
  public static DockerEnvironment load(Path envFile) {
    if (!Files.isRegularFile(envFile)) {
      throw new MoltException("no Docker Engine for the Docker provider: " + envFile
          + " does not exist. Run 'scripts/docker-env.sh up' (./mvnw verify runs it before the"
          + " integration tests), or check its output for why no engine could be started");
    }
    Map<String, String> vars = new HashMap<>();
    try {
      for (String line : Files.readAllLines(envFile)) {
        String l = line.strip();
        if (l.startsWith("export ") && l.contains("=")) {
          String kv = l.substring("export ".length());
          vars.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
    } catch (IOException e) {
      throw new MoltException("cannot read " + envFile + ": " + e.getMessage(), e);
    }
    return new DockerEnvironment(need(vars, "DOCKER_HOST", envFile),
        Path.of(need(vars, "MOLT_HAPROXY_BIN", envFile)),
        need(vars, "MOLT_TEST_IMAGE_V1", envFile), need(vars, "MOLT_TEST_IMAGE_V2", envFile),
        need(vars, "MOLT_TEST_REGISTRY", envFile));
  }

  /**
   * Runs {@code <script> up} (installing and starting what is missing, reusing an engine that
   * answers) and reads the env file it writes. Its progress goes to this process's stderr.
   *
   * @param script the path of {@code scripts/docker-env.sh}
   * @param envDir its state directory ({@code MOLT_ENV_DIR})
   * @return the environment
   * @throws MoltException if the script fails
   */
  public static DockerEnvironment provision(Path script, Path envDir) {
    ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString(), "up"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("MOLT_ENV_DIR", envDir.toString());
    try {
      Process p = pb.start();
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroy();
        throw new MoltException(script + " up failed (see its messages above): no Docker Engine");
      }
    } catch (IOException e) {
      throw new MoltException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoltException("interrupted while running " + script, e);
    }
    return load(envDir.resolve("env"));
  }

  /**
   * Runs {@code <script> restart}: the engine {@code up} chose is restarted (its containers are
   * stopped, as at a host restart, and stay so) and answers again when this returns. Its progress
   * goes to this process's stderr.
   *
   * @param script the path of {@code scripts/docker-env.sh}
   * @param envDir its state directory ({@code MOLT_ENV_DIR})
   * @throws MoltException if the script fails or takes more than 3 minutes
   */
  public static void restartEngine(Path script, Path envDir) {
    ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString(), "restart"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("MOLT_ENV_DIR", envDir.toString());
    try {
      Process p = pb.start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroy();
        throw new MoltException(script + " restart did not finish within 3 minutes");
      }
      if (p.exitValue() != 0) {
        throw new MoltException(script + " restart failed (see its messages above)");
      }
    } catch (IOException e) {
      throw new MoltException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoltException("interrupted while running " + script, e);
    }
  }

  private static String need(Map<String, String> vars, String name, Path file) {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      throw new MoltException(file + " has no " + name + "; rerun 'scripts/docker-env.sh up'");
    }
    return v;
  }
}
