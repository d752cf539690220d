package dev.molt.gate;

import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.Arguments;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Probes every live instance of the new revision with an HTTP GET of {@code path} at its address
 * and passes when each answers with a status in {@code minStatus..maxStatus} within {@code
 * maxLatency}. The latency bound is the request timeout, so a slow answer fails the probe without
 * the gate reading any clock. No instance with an address is {@link Verdict#INSUFFICIENT_DATA}.
 * Probes run in parallel over one shared {@link HttpClient}.
 *
 * @param path the path to request, starting with '/'
 * @param minStatus the least acceptable status (default 200)
 * @param maxStatus the greatest acceptable status (default 299)
 * @param maxLatency the longest acceptable time to the response headers
 */
public record HttpProbe(String path, int minStatus, int maxStatus, Duration maxLatency)
    implements Gate {

  /** Validates the fields. */
  public HttpProbe {
    Arguments.notBlank(path, "path");
    if (!path.startsWith("/")) {
      throw new InvalidSpecException("path", "must start with '/', was '" + path + "'");
    }
    if (minStatus < 100 || maxStatus > 599 || minStatus > maxStatus) {
      throw new InvalidSpecException("minStatus", "status range " + minStatus + ".." + maxStatus
          + " must lie within 100..599");
    }
    Arguments.positive(maxLatency, "maxLatency");
  }

  /** @return a probe of {@code path} accepting 2xx within {@code maxLatency} */
  public static HttpProbe of(String path, Duration maxLatency) {
    return new HttpProbe(path, 200, 299, maxLatency);
  }

  @Override
  public String name() {
    return "http-probe";
  }

  @Override
  public Measurement measure(GateContext context) {
    List<Instance> targets = context.canaryInstances().stream()
        .filter(i -> i.address().isPresent()).toList();
    if (targets.isEmpty()) {
      return Measurement.insufficientData("no instance of " + context.canary()
          + " has an address to probe");
    }
    List<CompletableFuture<String>> probes = new ArrayList<>();
    for (Instance i : targets) {
      probes.add(probe(i));
    }
    List<String> failures = new ArrayList<>();
    for (CompletableFuture<String> p : probes) {
      String problem = p.join();
      if (!problem.isEmpty()) {
        failures.add(problem);
      }
    }
    String detail = "ok=" + (targets.size() - failures.size()) + "/" + targets.size()
        + (failures.isEmpty() ? "" : " failures=" + failures);
    return failures.isEmpty() ? Measurement.pass(detail) : Measurement.fail(detail);
  }

  /** @return empty if fine, else what went wrong */
  private CompletableFuture<String> probe(Instance instance) {
    String address = instance.address().orElseThrow();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path))
        .timeout(maxLatency).GET().build();
    return Client.INSTANCE.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, error) -> {
          if (error != null) {
            Throwable e = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            return instance.id() + (e instanceof HttpTimeoutException
                ? " slower than " + maxLatency : " " + e.getClass().getSimpleName());
          }
          int status = response.statusCode();
          return status >= minStatus && status <= maxStatus ? ""
              : instance.id() + " status " + status;
        });
  }

  /** One client for all probes: it owns a thread pool that should not be made per call. */
  private static final class Client {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
  }
}
