package dev.molt.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.ProviderException;
import dev.molt.Revision;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus source against a real Prometheus that scrapes an endpoint served here: a
 * baseline revision, a canary with the same values, and a canary twice as slow.
 */
class PrometheusMetricSourceTest {
  static final Revision BASE = Fixtures.V1.revision();
  static final Revision WORSE = Fixtures.V2.revision();
  static final Revision EQUAL = Fixtures.spec("3", "v3").revision();
  static final String QUERY = "latency_ms{revision=\"{revision}\"}";

  @Test
  void realSamplesDecideTheComparisonGate() throws Exception {
    AtomicInteger scrapes = new AtomicInteger();
    HttpServer target = metricsEndpoint(scrapes);
    try (RealPrometheus prometheus = new RealPrometheus("127.0.0.1:"
        + target.getAddress().getPort())) {
      PrometheusMetricSource source = PrometheusMetricSource.of(prometheus.uri);
      MetricComparison gate = new MetricComparison(source, QUERY, Duration.ofMinutes(2),
          Duration.ofSeconds(1), true, 0.05, 10);

      await("12 scraped samples per series").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> samples(source, WORSE).size() >= 12 && samples(source, BASE).size() >= 12);

      assertThat(samples(source, BASE)).allSatisfy(v -> assertThat(v).isBetween(100.0, 110.0));
      assertThat(samples(source, WORSE)).allSatisfy(v -> assertThat(v).isBetween(200.0, 220.0));
      assertThat(scrapes.get()).isGreaterThanOrEqualTo(2);
      Measurement worse = gate.measure(context(WORSE));
      assertThat(worse.verdict()).as(worse.detail()).isEqualTo(Verdict.FAIL);
      Measurement equal = gate.measure(context(EQUAL));
      assertThat(equal.verdict()).as(equal.detail()).isEqualTo(Verdict.PASS);
      Measurement unknown = gate.measure(context(Fixtures.spec("4", "v4").revision()));
      assertThat(unknown.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
      assertThatThrownBy(() -> source.samples(new MetricQuery("rate(", Instant.now()
          .minusSeconds(60), Instant.now(), Duration.ofSeconds(1))))
          .isInstanceOf(ProviderException.class).hasMessageContaining("bad_data");
    } finally {
      target.stop(0);
    }
  }

  /** Serves a baseline, an equal canary and a canary twice as slow, changing on every scrape. */
  private static HttpServer metricsEndpoint(AtomicInteger scrapes) throws java.io.IOException {
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/metrics", exchange -> {
      int n = scrapes.incrementAndGet();
      double base = 100 + (n * 7 % 11);
      String body = "# TYPE latency_ms gauge\n"
          + "latency_ms{revision=\"" + BASE.id() + "\"} " + base + "\n"
          + "latency_ms{revision=\"" + EQUAL.id() + "\"} " + base + "\n"
          + "latency_ms{revision=\"" + WORSE.id() + "\"} " + (2 * base) + "\n";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    target.start();
    return target;
  }

  @Test
  void readsValuesOfEverySeriesAndNaN() {
    PrometheusMetricSource source = PrometheusMetricSource.of(URI.create("http://unused:9090"));
    String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        + "{\"metric\":{\"a\":\"x\"},\"values\":[[1700000000.5,\"1.5\"],[1700000001,\"NaN\"]]},"
        + "{\"metric\":{},\"values\":[[1700000000,\"2e3\"]]}]}}";
    List<Double> values = source.parse(200, body);
    assertThat(values).hasSize(3);
    assertThat(values.get(0)).isEqualTo(1.5);
    assertThat(values.get(1)).isNaN();
    assertThat(values.get(2)).isEqualTo(2000.0);
    assertThat(source.parse(200, "{\"status\":\"success\",\"data\":{\"result\":[]}}")).isEmpty();
    assertThatThrownBy(() -> source.parse(503, "<html>down</html>"))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
  }

  private static List<Double> samples(MetricSource source, Revision revision) {
    Instant now = Instant.now();
    return source.samples(new MetricQuery(QUERY.replace("{revision}", revision.id()),
        now.minus(Duration.ofMinutes(2)), now, Duration.ofSeconds(1)));
  }

  private static GateContext context(Revision canary) {
    return new GateContext(new Fleet(Fixtures.FLEET, 0, List.of(), Map.of()), canary,
        Optional.of(BASE), Instant.now());
  }
}
