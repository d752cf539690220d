package dev.molt.docker.testing;

import dev.molt.MoltException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway HAProxy for tests and demos: a temporary configuration with an HTTP frontend on a
 * free port of 127.0.0.1, one empty backend that Molt fills through the runtime API (HTTP health
 * checks of {@code GET /health}, connection retries and redispatch so a dying server does not fail
 * a request), and an admin socket. HAProxy binds everything before it daemonizes, so once {@link
 * #start} returns it serves. {@link #close()} stops it by its pid.
 */
public final class HaproxyProcess implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final long pid;

  private HaproxyProcess(Path dir, int port, long pid) {
    this.dir = dir;
    this.port = port;
    this.pid = pid;
  }

  /**
   * Starts HAProxy.
   *
   * @param binary the haproxy executable
   * @param backend the backend name
   * @return the running process
   * @throws MoltException if it does not start
   */
  public static HaproxyProcess start(Path binary, String backend) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(binary, backend);
      } catch (MoltException e) {
        // the free port was taken between choosing and binding it: choose again
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  private static HaproxyProcess startOnce(Path binary, String backend) {
    try {
      Path dir = Files.createTempDirectory("molt-haproxy-");
      int port = freePort();
      Path config = dir.resolve("haproxy.cfg");
      Files.writeString(config, config(dir, port, backend));
      Path pidFile = dir.resolve("haproxy.pid");
      Process p = new ProcessBuilder(List.of(binary.toString(), "-D", "-p", pidFile.toString(),
          "-f", config.toString())).redirectErrorStream(true)
          .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new MoltException("haproxy did not start: " + Files.readString(dir.resolve(
            "haproxy.log")));
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      return new HaproxyProcess(dir, port, pid);
    } catch (IOException e) {
      throw new MoltException("cannot start haproxy: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoltException("interrupted while starting haproxy", e);
    }
  }

  private static String config(Path dir, int port, String backend) {
    return String.join("\n",
        "global",
        // without it a second HAProxy may bind the same port and take half of the connections
        "  noreuseport",
        "  stats socket " + dir.resolve("admin.sock") + " mode 600 level admin",
        "  stats timeout 30s",
        "defaults",
        "  mode http",
        "  timeout connect 1s",
        "  timeout client 10s",
        "  timeout server 10s",
        "  timeout queue 5s",
        "  retries 3",
        "  option redispatch 1",
        "  retry-on conn-failure empty-response response-timeout",
        "frontend fe",
        "  bind 127.0.0.1:" + port,
        "  default_backend " + backend,
        "backend " + backend,
        "  balance roundrobin",
        "  option httpchk GET /health",
        "  http-check expect status 200",
        "");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * @return the admin socket of its runtime API ({@code level admin}), for {@code
   *     HaproxyRuntime.unixSocket}
   */
  public Path adminSocket() {
    return dir.resolve("admin.sock");
  }

  /** @return the frontend's URL, {@code http://127.0.0.1:<port>/} */
  public URI frontend() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** @return the process id */
  public long pid() {
    return pid;
  }

  /** Stops HAProxy (SIGTERM, then SIGKILL after 10 s) and deletes its files. */
  @Override
  public void close() {
    ProcessHandle.of(pid).ifPresent(h -> {
      h.destroy();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    });
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
