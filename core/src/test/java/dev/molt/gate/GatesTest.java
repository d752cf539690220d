package dev.molt.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.molt.Fixtures;
import dev.molt.Fleet;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatesTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Revision V1 = Fixtures.V1.revision();
  static final Revision V2 = Fixtures.V2.revision();
  private final List<HttpServer> servers = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    servers.forEach(s -> s.stop(0));
  }

  static Instance instance(String id, Revision rev, InstanceState state, String address) {
    return new Instance(id, Fixtures.FLEET, rev, Optional.of(address), state, NOW, NOW,
        state == InstanceState.HEALTHY ? Optional.of(NOW) : Optional.empty(),
        OwnerLabels.of(Fixtures.FLEET, rev, "ro-1"));
  }

  static GateContext context(Instance... instances) {
    return new GateContext(new Fleet(Fixtures.FLEET, instances.length, List.of(instances),
        Map.of()), V2, Optional.of(V1), NOW);
  }

  @Test
  void aLambdaGateMeasuresThroughItsFunctionAndTurnsNullIntoAnError() {
    Gate newOnes = Gate.of("new-instances", ctx -> ctx.fleet().instances().stream()
        .anyMatch(i -> i.revision().equals(ctx.canary()))
        ? Measurement.pass("new instances seen") : Measurement.insufficientData("none yet"));
    assertThat(newOnes.name()).isEqualTo("new-instances");
    assertThat(newOnes.measure(context(instance("a", V2, InstanceState.HEALTHY, "h:1")))
        .verdict()).isEqualTo(Verdict.PASS);
    assertThat(newOnes.measure(context(instance("c", V1, InstanceState.HEALTHY, "h:3")))
        .verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    Measurement nothing = Gate.of("silent", ctx -> null).measure(context());
    assertThat(nothing.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(nothing.detail()).contains("silent");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Gate.of(" ", ctx -> null))
        .isInstanceOfSatisfying(dev.molt.InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("name"));
  }

  @Test
  void healthyShareJudgesTheNewRevisionAndNeverPassesWithoutInstances() {
    HealthyShare gate = new HealthyShare(0.75);
    assertThat(gate.measure(context(instance("a", V2, InstanceState.HEALTHY, "h:1"),
        instance("b", V2, InstanceState.UNHEALTHY, "h:2"),
        instance("c", V1, InstanceState.HEALTHY, "h:3"))).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(gate.measure(context(instance("a", V2, InstanceState.HEALTHY, "h:1"),
        instance("c", V1, InstanceState.UNHEALTHY, "h:3"))).verdict()).isEqualTo(Verdict.PASS);
    assertThat(gate.measure(context(instance("c", V1, InstanceState.HEALTHY, "h:3"))).verdict())
        .isEqualTo(Verdict.INSUFFICIENT_DATA);
  }

  @Test
  void httpProbeChecksStatusAndLatencyOfEveryNewInstance() throws Exception {
    String ok = serve(200, false);
    String broken = serve(503, false);
    String slow = serve(200, true);
    // generous for answers (a loaded CI machine), short only where the answer never comes
    HttpProbe probe = HttpProbe.of("/health", Duration.ofSeconds(20));
    HttpProbe impatient = HttpProbe.of("/health", Duration.ofMillis(500));

    assertThat(probe.measure(context(instance("a", V2, InstanceState.HEALTHY, ok))))
        .extracting(Measurement::verdict).isEqualTo(Verdict.PASS);
    Measurement failed = probe.measure(context(instance("a", V2, InstanceState.HEALTHY, ok),
        instance("b", V2, InstanceState.HEALTHY, broken)));
    assertThat(failed.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed.detail()).contains("b status 503");
    Measurement timedOut = impatient.measure(context(instance("c", V2, InstanceState.HEALTHY, slow)));
    assertThat(timedOut.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(timedOut.detail()).contains("slower than PT0.5S");
    assertThat(probe.measure(context(instance("d", V1, InstanceState.HEALTHY, ok))).verdict())
        .isEqualTo(Verdict.INSUFFICIENT_DATA);
  }

  @Test
  void metricComparisonNeverPassesOnEmptyOrNaNSamples() {
    MetricSource empty = q -> List.of();
    MetricSource nan = q -> List.of(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1.0);
    for (MetricSource source : List.of(empty, nan)) {
      MetricComparison gate = new MetricComparison(source, "m{r=\"{revision}\"}",
          Duration.ofMinutes(5), Duration.ofSeconds(15), true, 0.05, 3);
      assertThat(gate.measure(context()).verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    }
  }

  @Test
  void metricComparisonFailsAWorseCanaryAndPassesAnEqualOne() {
    List<Double> base = new ArrayList<>();
    for (int i = 0; i < MetricComparison.DEFAULT_MIN_SAMPLES; i++) {
      base.add(10.0 + i * 7 % 25 / 10.0);
    }
    List<Double> worse = base.stream().map(v -> v * 2).toList();
    MetricSource source = q -> q.expression().contains(V2.id()) ? worse : base;
    MetricSource same = q -> base;

    assertThat(MetricComparison.higherIsWorse(source, "lat{rev=\"{revision}\"}",
        Duration.ofMinutes(5), Duration.ofSeconds(15)).measure(context()).verdict())
        .isEqualTo(Verdict.FAIL);
    assertThat(MetricComparison.higherIsWorse(same, "lat{rev=\"{revision}\"}",
        Duration.ofMinutes(5), Duration.ofSeconds(15)).measure(context()).verdict())
        .isEqualTo(Verdict.PASS);
  }

  @Test
  void combinationsTakeTheWorstOrTheBest() {
    Gate pass = Gate.constant(Verdict.PASS);
    Gate fail = Gate.constant(Verdict.FAIL);
    Gate none = Gate.constant(Verdict.INSUFFICIENT_DATA);
    Gate boom = new Gate() {
      @Override public String name() {
        return "boom";
      }

      @Override public Measurement measure(GateContext c) {
        throw new IllegalStateException("down");
      }
    };
    assertThat(Gate.allOf(pass, none).measure(context()).verdict())
        .isEqualTo(Verdict.INSUFFICIENT_DATA);
    assertThat(Gate.allOf(pass, fail, none).measure(context()).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(Gate.allOf(pass, boom).measure(context()).verdict()).isEqualTo(Verdict.ERROR);
    assertThat(Gate.anyOf(fail, pass).measure(context()).verdict()).isEqualTo(Verdict.PASS);
    assertThat(Gate.anyOf(fail, none).measure(context()).verdict())
        .isEqualTo(Verdict.INSUFFICIENT_DATA);
  }

  private String serve(int status, boolean hang) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "probe-target");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/health", exchange -> {
      if (hang) {
        try {
          release.await(); // answers only when the test ends: the probe must time out first
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return "127.0.0.1:" + server.getAddress().getPort();
  }
}
