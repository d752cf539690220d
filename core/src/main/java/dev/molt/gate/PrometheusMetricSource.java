package dev.molt.gate;

import dev.molt.ProviderException;
import dev.molt.Arguments;
import dev.molt.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads samples from Prometheus over its HTTP API ({@code GET /api/v1/query_range}), with the
 * JDK's HTTP client. Every series the PromQL expression returns contributes its values, in time
 * order; {@code "NaN"} values come back as NaN (the gate discards them). Errors (HTTP status,
 * {@code "status":"error"}, unreadable JSON, timeouts) are thrown as {@link ProviderException}s
 * (5xx and timeouts retryable), which a gate records as an {@link Verdict#ERROR} measurement.
 * Thread-safe.
 *
 * <pre>{@code
 * MetricSource prometheus = PrometheusMetricSource.of(URI.create("http://prometheus:9090"));
 * }</pre>
 *
 * @param baseUri where Prometheus serves, such as {@code http://localhost:9090}
 * @param timeout the longest a query may take (default 10 s)
 */
public record PrometheusMetricSource(URI baseUri, Duration timeout) implements MetricSource {

  /** Validates the fields. */
  public PrometheusMetricSource {
    Arguments.required(baseUri, "baseUri");
    Arguments.positive(timeout, "timeout");
  }

  /** @return a source for the Prometheus at {@code baseUri}, with a 10 s timeout */
  public static PrometheusMetricSource of(URI baseUri) {
    return new PrometheusMetricSource(baseUri, Duration.ofSeconds(10));
  }

  @Override
  public List<Double> samples(MetricQuery query) {
    URI uri = URI.create(baseUri.toString().replaceAll("/+$", "") + "/api/v1/query_range?query="
        + URLEncoder.encode(query.expression(), StandardCharsets.UTF_8)
        + "&start=" + seconds(query.from()) + "&end=" + seconds(query.to())
        + "&step=" + query.step().toMillis() / 1000.0);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    HttpResponse<String> response;
    try {
      response = Client.INSTANCE.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ProviderException("query", "prometheus " + baseUri, true, e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException("query", "prometheus " + baseUri, true, "interrupted", e);
    }
    return parse(response.statusCode(), response.body());
  }

  /** Reads a query_range response body. */
  List<Double> parse(int status, String body) {
    Object json;
    try {
      json = Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw failure(status, "unreadable response (" + e.getMessage() + ")");
    }
    if (!(json instanceof Map<?, ?> root) || !"success".equals(root.get("status"))) {
      String why = json instanceof Map<?, ?> m ? m.get("errorType") + ": " + m.get("error")
          : "not a JSON object";
      throw failure(status, why);
    }
    List<Double> out = new ArrayList<>();
    if (root.get("data") instanceof Map<?, ?> data && data.get("result") instanceof List<?> rs) {
      for (Object series : rs) {
        if (series instanceof Map<?, ?> s && s.get("values") instanceof List<?> values) {
          for (Object point : values) {
            if (point instanceof List<?> pair && pair.size() == 2) {
              out.add(value(pair.get(1)));
            }
          }
        }
      }
    }
    return out;
  }

  private static Double value(Object v) {
    try {
      return Double.valueOf(String.valueOf(v)); // Prometheus sends values as strings; "NaN" too
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private ProviderException failure(int status, String why) {
    return new ProviderException("query", "prometheus " + baseUri, status >= 500,
        "HTTP " + status + ": " + why);
  }

  private static String seconds(Instant t) {
    return t.getEpochSecond() + "." + String.format("%03d", t.getNano() / 1_000_000);
  }

  /** One client for all queries. */
  private static final class Client {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }
}
