package dev.molt.gate;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus (the Debian package, installed by {@code scripts/ensure-packages.sh} when
 * missing) started on a free port with its own config and storage in a temp directory, scraping
 * one target every second. Fails loudly when it cannot be had. Close stops it and deletes the
 * directory.
 */
public final class RealPrometheus implements AutoCloseable {
  private final Path dir;
  private final Process process;
  /** Where its HTTP API answers. */
  public final URI uri;

  /**
   * @param scrapeTarget {@code host:port} whose {@code /metrics} it scrapes every second
   */
  public RealPrometheus(String scrapeTarget) throws IOException, InterruptedException {
    ensureInstalled();
    dir = Files.createTempDirectory("molt-prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: molt-test",
        "    static_configs:",
        "      - targets: ['" + scrapeTarget + "']",
        ""));
    int port = freePort();
    uri = URI.create("http://127.0.0.1:" + port);
    process = new ProcessBuilder(binary(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    HttpClient client = HttpClient.newHttpClient();
    await("prometheus ready at " + uri).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("prometheus exited: " + log());
          }
          return client.send(HttpRequest.newBuilder(uri.resolve("/-/ready")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("prometheus.log"));
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static String binary() {
    for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError("prometheus is not installed even after"
        + " scripts/ensure-packages.sh prometheus; this test needs a real Prometheus");
  }

  private static void ensureInstalled() throws IOException, InterruptedException {
    Path script = findScript();
    Process p = new ProcessBuilder(script.toString(), "prometheus").inheritIO().start();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError(script + " prometheus failed (exit " + (p.isAlive() ? "timeout"
          : p.exitValue()) + "): this test needs a real Prometheus (Debian package"
          + " 'prometheus'); install it, or run as root so the script can");
    }
  }

  private static Path findScript() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path script = d.resolve("scripts/ensure-packages.sh");
      if (Files.isExecutable(script)) {
        return script;
      }
    }
    throw new AssertionError("scripts/ensure-packages.sh not found above "
        + Path.of("").toAbsolutePath());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
