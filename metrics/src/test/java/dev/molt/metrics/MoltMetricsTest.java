package dev.molt.metrics;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.molt.Fixtures;
import dev.molt.engine.RolloutEngine;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.RealPrometheus;
import dev.molt.gate.Measurement;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.strategy.Canary;
import dev.molt.time.VirtualTime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The meters a canary and its deploy leave, in a registry and scraped by a real Prometheus. */
class MoltMetricsTest {
  private static final String GATE = "always-pass";

  /** Deploys v1 (rolling) then a canary of v2 with one analysis, with the metrics listening. */
  private static Rollout canary(MeterRegistry registry) {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .build();
    MoltMetrics metrics = new MoltMetrics(registry);
    RolloutEngine engine = RolloutEngine.builder(metrics.instrument(platform)).time(time).seed(3)
        .listener(metrics).build();
    engine.run(Fixtures.rollout(Fixtures.V1, 4).build());
    return engine.run(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(setWeight(25),
        analyze(Analysis.of(Gate.of(GATE, ctx -> Measurement.pass("fine")))), setWeight(100)))
        .build());
  }

  @Test
  void aCanaryLeavesItsRolloutsStepsVerdictsTrafficInstancesAndCalls() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Rollout done = canary(registry);
    assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);

    assertThat(registry.get("molt.rollouts.ended").tags("strategy", "canary", "outcome",
        "SUCCEEDED").counter().count()).isEqualTo(1);
    assertThat(registry.get("molt.rollouts.ended").tags("strategy", "rolling").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("molt.rollouts").tag("phase", "SUCCEEDED").gauge().value())
        .isEqualTo(2);
    assertThat(registry.get("molt.rollouts").tag("phase", "PROGRESSING").gauge().value())
        .isZero();
    assertThat(registry.get("molt.step.duration").tag("strategy", "canary").timer().count())
        .isEqualTo(3); // set-weight 25, the analysis, set-weight 100
    assertThat(registry.get("molt.gate.verdicts").tags("gate", GATE, "verdict", "PASS")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("molt.analysis.duration").tags("gate", GATE).timer().count())
        .isEqualTo(1);
    assertThat(registry.get("molt.traffic.weight").tags("fleet", "web", "revision",
        Fixtures.V2.revision().toString()).gauge().value()).isEqualTo(100);
    assertThat(registry.get("molt.traffic.weight").tags("revision",
        Fixtures.V1.revision().toString()).gauge().value()).isZero();
    assertThat(registry.get("molt.instances.launched").tags("revision",
        Fixtures.V2.revision().toString()).counter().count()).isEqualTo(4);
    assertThat(registry.get("molt.instances.terminated").counter().count()).isEqualTo(4);
    assertThat(registry.get("molt.provider.calls").tags("platform", "in-memory", "operation",
        "launch", "outcome", "ok").timer().count()).isPositive();
    assertThat(registry.get("molt.provider.calls").tags("operation", "observe").timer().count())
        .isPositive();
  }

  @Test
  void aRealPrometheusScrapesTheSeries() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    endpoint.createContext("/metrics", x -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    endpoint.start();
    try (RealPrometheus prometheus = new RealPrometheus("127.0.0.1:"
        + endpoint.getAddress().getPort())) {
      canary(registry);

      assertThat(query(prometheus, "molt_rollouts_ended_total{strategy=\"canary\","
          + "outcome=\"SUCCEEDED\"}")).contains("\"value\":[").endsWith("\"1\"]}]}}");
      assertThat(query(prometheus, "molt_gate_verdicts_total{gate=\"" + GATE
          + "\",verdict=\"PASS\"}")).endsWith("\"1\"]}]}}");
      assertThat(query(prometheus, "molt_traffic_weight_percent{revision=\""
          + Fixtures.V2.revision() + "\"}")).endsWith("\"100\"]}]}}");
      assertThat(query(prometheus, "molt_provider_calls_seconds_count{platform=\"in-memory\","
          + "operation=\"launch\",outcome=\"ok\"}")).contains("\"result\":[{");
    } finally {
      endpoint.stop(0);
    }
  }

  /** @return the JSON answer of an instant query, once it has a series (within a minute) */
  private static String query(RealPrometheus prometheus, String promql) {
    HttpClient client = HttpClient.newHttpClient();
    URI uri = prometheus.uri.resolve("/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    String[] body = new String[1];
    await(promql).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> {
          body[0] = client.send(HttpRequest.newBuilder(uri).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          return body[0].contains("\"result\":[{");
        });
    return body[0];
  }
}
