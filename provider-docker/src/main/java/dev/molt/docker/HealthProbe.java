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
        .map(address -> check(check.get(), address).thenApply(r -> {
          schedule.record(view.name(), r.health(), now, r.failure());
          return r.health();
        }))
        .orElse(CompletableFuture.completedFuture(Health.UNKNOWN));
  }

  /**
   * @return why a running container is not healthy, in words: its image's HEALTHCHECK status, or
   *     what Molt's last probe of it saw (refused, timed out, the status it answered); empty while
   *     it is healthy or not judged yet
   */
  Optional<String> failure(ContainerView view) {
    Optional<Health> own = view.ownHealth();
    if (own.isPresent()) {
      return own.get() == Health.UNHEALTHY ? Optional.of("its HEALTHCHECK reports unhealthy")
          : Optional.empty();
    }
    return schedule.lastFailure(view.name());
  }

  /** Forgets a terminated container's last verdict. */
  void forget(String container) {
    schedule.forget(container);
  }

  CompletableFuture<Health> probe(HealthCheck check, String hostPort) {
    return check(check, hostPort).thenApply(Result::health);
  }

  /** A probe's verdict, and what went wrong when it failed. */
  private record Result(Health health, String failure) {
    static final Result OK = new Result(Health.HEALTHY, "");
  }

  private CompletableFuture<Result> check(HealthCheck check, String hostPort) {
    return switch (check.kind()) {
      case HTTP -> http(check, hostPort);
      case TCP -> CompletableFuture.supplyAsync(() -> tcp(check, hostPort), executor);
      case PLATFORM -> CompletableFuture.completedFuture(Result.OK);
    };
  }

  private CompletableFuture<Result> http(HealthCheck check, String hostPort) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPort + check.path()))
        .timeout(check.timeout()).GET().build();
    String what = "GET " + check.path() + " at " + hostPort;
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(r -> r.statusCode() >= 200 && r.statusCode() < 400 ? Result.OK
            : new Result(Health.UNHEALTHY, what + ": answered " + r.statusCode()))
        .exceptionally(e -> new Result(Health.UNHEALTHY, what + ": " + words(e)));
  }

  private static Result tcp(HealthCheck check, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    InetSocketAddress target = new InetSocketAddress(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
    try (Socket socket = new Socket()) {
      socket.connect(target, (int) Math.max(1, check.timeout().toMillis()));
      return Result.OK;
    } catch (IOException e) {
      return new Result(Health.UNHEALTHY, "TCP connect to " + hostPort + ": " + words(e));
    }
  }

  /** The innermost cause's kind and message: "connection refused", "timed out", ... */
  private static String words(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof java.net.ConnectException) {
      return "connection refused";
    }
    String m = root.getMessage() == null ? "" : root.getMessage().toLowerCase(java.util.Locale.ROOT);
    if (root instanceof java.io.EOFException || m.contains("connection reset")
        || m.contains("received no bytes") || m.contains("closed")) {
      // a published port whose container does not listen: docker-proxy accepts, then hangs up,
      // seen as any of these at random; one phrase, so that equal causes compare equal
      return "connection closed without an answer";
    }
    if (root instanceof java.net.http.HttpTimeoutException
        || root instanceof java.net.SocketTimeoutException) {
      return "timed out";
    }
    String message = root.getMessage() == null ? "" : ": " + root.getMessage();
    return root.getClass().getSimpleName() + message;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
