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
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Probes an instance the way its {@link HealthCheck} says: an HTTP GET answered 2xx/3xx, or an
 * accepted TCP connection, each bounded by the check's timeout, at most once per container per
 * {@link HealthCheck#interval()} ({@link ProbeSchedule}). Probes run concurrently; a probe that
 * fails or times out is {@link Health#UNHEALTHY}.
 */
final class HealthProbe implements AutoCloseable {
  private final ProbeSchedule schedule = new ProbeSchedule();
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

  /**
   * The verdict on a running container: its image's HEALTHCHECK status if it has one; else its
   * check's (HTTP or TCP) probe, or the last one's verdict while the check's interval is not up;
   * HEALTHY for a {@code PLATFORM} check (running is all there is to know); UNKNOWN while it has no
   * address yet.
   */
  CompletableFuture<Health> verdict(ContainerView view, Optional<String> publishOn, Instant now) {
    Optional<Health> own = view.ownHealth();
    if (own.isPresent()) {
      return CompletableFuture.completedFuture(own.get());
    }
    Optional<HealthCheck> check = DockerLabels.health(view.labels().get(DockerLabels.HEALTH));
    if (check.isEmpty() || check.get().kind() == HealthCheck.Kind.PLATFORM) {
      return CompletableFuture.completedFuture(Health.HEALTHY);
    }
    Optional<Health> recent = schedule.reuse(view.name(), check.get().interval(), now);
    if (recent.isPresent()) {
      return CompletableFuture.completedFuture(recent.get());
    }
    return view.address(check.get().port(), publishOn)
        .map(address -> probe(check.get(), address).thenApply(h -> {
          schedule.record(view.name(), h, now);
          return h;
        }))
        .orElse(CompletableFuture.completedFuture(Health.UNKNOWN));
  }

  /** Forgets a terminated container's last verdict. */
  void forget(String container) {
    schedule.forget(container);
  }

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
