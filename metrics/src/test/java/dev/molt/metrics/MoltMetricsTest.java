package dev.molt.metrics;

import static dev.molt.strategy.CanaryStep.analyze;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.engine.RolloutEngine;
import dev.molt.gate.Analysis;
import dev.molt.gate.Gate;
import dev.molt.gate.RealPrometheus;
import dev.molt.gate.Measurement;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.store.FleetLockedException;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.Lease;
import dev.molt.store.RolloutStore;
import dev.molt.store.StaleLeaseException;
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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The meters a canary and its deploy leave, in a registry and scraped by a real Prometheus. */
class MoltMetricsTest {
  private static final String GATE = "always-pass";

  /** Deploys v1 (rolling) then a canary of v2 with one analysis, with the metrics listening. */
  private static Rollout canary(MeterRegistry registry) {
    return canary(registry, new InMemoryRolloutStore());
  }

  private static Rollout canary(MeterRegistry registry, RolloutStore store) {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .build();
    MoltMetrics metrics = new MoltMetrics(registry);
    RolloutEngine engine = RolloutEngine.builder(metrics.instrument(platform)).time(time).seed(3)
        .store(metrics.instrument(store)).leaseTtl(Duration.ofSeconds(30))
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
    // the last observation: four healthy v2 instances, and v1's series gone with its instances
    assertThat(registry.get("molt.instances").tags("fleet", "web", "revision",
        Fixtures.V2.revision().toString(), "state", "HEALTHY").gauge().value()).isEqualTo(4);
    assertThat(registry.find("molt.instances").tags("revision",
        Fixtures.V1.revision().toString()).gauges()).isEmpty();
    // two rollouts of one fleet: each took and gave back its lease, and renewed it meanwhile
    assertThat(registry.get("molt.lease.acquired").tags("fleet", "web", "outcome", "granted")
        .counter().count()).isEqualTo(2);
    assertThat(registry.get("molt.lease.released").tags("fleet", "web").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("molt.lease.renewals").tags("fleet", "web", "outcome", "ok")
        .counter().count()).isPositive();
  }

  @Test
  void instancesAreCountedByRevisionAndStateAsLastObserved() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Provider measured = new MoltMetrics(registry).instrument(platform);
    measured.launch(new LaunchRequest("web", Fixtures.V1, 3, "r1", "k1"));
    measured.observe("web");
    String v1 = Fixtures.V1.revision().toString();
    assertThat(registry.get("molt.instances").tags("revision", v1, "state", "LAUNCHING").gauge()
        .value()).isEqualTo(3);

    time.advance(Duration.ofMinutes(1));
    List<Instance> running = measured.observe("web");
    assertThat(registry.get("molt.instances").tags("revision", v1, "state", "RUNNING").gauge()
        .value()).isEqualTo(3); // running, health not judged yet
    measured.health("web", running);
    assertThat(registry.get("molt.instances").tags("revision", v1, "state", "HEALTHY").gauge()
        .value()).isEqualTo(3);
    assertThat(registry.get("molt.instances").tags("revision", v1, "state", "RUNNING").gauge()
        .value()).isZero();
    assertThat(registry.get("molt.instances").tags("revision", v1, "state", "LAUNCHING").gauge()
        .value()).isZero();
  }

  @Test
  void leasesAreCountedByOutcomeIncludingTakeoversAndStaleRenewals() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RolloutStore store = new MoltMetrics(registry).instrument(new InMemoryRolloutStore());
    Instant t0 = Instant.parse("2026-12-04T00:00:00Z");
    Duration ttl = Duration.ofSeconds(30);
    Lease a = store.acquire("web", "engine-a", t0, ttl);
    store.renew(a, t0.plusSeconds(10), ttl);
    assertThatThrownBy(() -> store.acquire("web", "engine-b", t0.plusSeconds(20), ttl))
        .isInstanceOf(FleetLockedException.class);
    Lease b = store.acquire("web", "engine-b", t0.plusSeconds(41), ttl); // a's lapsed at 40 s
    assertThatThrownBy(() -> store.renew(a, t0.plusSeconds(42), ttl))
        .isInstanceOf(StaleLeaseException.class);
    store.release(b);

    assertThat(count(registry, "molt.lease.acquired", "granted")).isEqualTo(1);
    assertThat(count(registry, "molt.lease.acquired", "locked")).isEqualTo(1);
    assertThat(count(registry, "molt.lease.acquired", "takeover")).isEqualTo(1);
    assertThat(count(registry, "molt.lease.renewals", "ok")).isEqualTo(1);
    assertThat(count(registry, "molt.lease.renewals", "stale")).isEqualTo(1);
    assertThat(registry.get("molt.lease.released").counter().count()).isEqualTo(1);
  }

  @Test
  void theMeasuredStoreForwardsEveryMethodNotificationsIncluded() {
    RolloutStore measured = new MoltMetrics(new SimpleMeterRegistry())
        .instrument(new InMemoryRolloutStore());
    // every method of the SPI, defaults included, is the wrapped store's: none falls back to a
    // default that would, for example, silently turn notifications into polling
    for (java.lang.reflect.Method m : RolloutStore.class.getMethods()) {
      if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        assertThat(java.util.Arrays.stream(measured.getClass().getDeclaredMethods())
            .anyMatch(d -> d.getName().equals(m.getName())
                && java.util.Arrays.equals(d.getParameterTypes(), m.getParameterTypes())))
            .as(m.getName()).isTrue();
      }
    }
    List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    measured.watchRequests(told::add);
    measured.request(dev.molt.store.ControlRequest.of("ro-1",
        dev.molt.store.ControlRequest.Control.PAUSE, "cli", Instant.EPOCH));
    assertThat(told).containsExactly("ro-1");
  }

  private static double count(MeterRegistry registry, String name, String outcome) {
    return registry.get(name).tags("fleet", "web", "outcome", outcome).counter().count();
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
      assertThat(query(prometheus, "molt_instances{fleet=\"web\",revision=\""
          + Fixtures.V2.revision() + "\",state=\"HEALTHY\"}")).endsWith("\"4\"]}]}}");
      assertThat(query(prometheus, "molt_lease_acquired_total{fleet=\"web\","
          + "outcome=\"granted\"}")).endsWith("\"2\"]}]}}");
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
