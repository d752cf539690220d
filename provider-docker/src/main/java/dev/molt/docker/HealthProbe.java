package dev.molt.docker;

import dev.molt.HealthCheck;
import dev.molt.spi.Health;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Probes an instance the way its {@link HealthCheck} says: an HTTP GET answered 2xx/3xx, or an
 * accepted TCP connection, each bounded by the check's timeout. Probes run concurrently; a probe
 * that fails or times out is {@link Health#UNHEALTHY}.
 */
final class HealthProbe implements AutoCloseable {
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "molt-docker-probe");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER)
      .executor(executor)
      .build();

  CompletableFuture<Health> probe(HealthCheck check, String hostPort) {
    return switch (check.kind()) {
      case HTTP -> http(check, hostPort);
      case TCP -> CompletableFuture.supplyAsync(() -> tcp(check, hostPort), executor);
      case PLATFORM -> CompletableFuture.completedFuture(Health.HEALTHY);
    };
  }

  private CompletableFuture<Health> http(HealthCheck check, String hostPort) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPort + check.path()))
        .timeout(check.timeout()).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(r -> r.statusCode() >= 200 && r.statusCode() < 400
            ? Health.HEALTHY : Health.UNHEALTHY)
        .exceptionally(e -> Health.UNHEALTHY);
  }

  private static Health tcp(HealthCheck check, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    InetSocketAddress target = new InetSocketAddress(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
    try (Socket socket = new Socket()) {
      socket.connect(target, (int) Math.max(1, check.timeout().toMillis()));
      return Health.HEALTHY;
    } catch (IOException e) {
      return Health.UNHEALTHY;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
