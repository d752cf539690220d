package dev.molt.benchmarks.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.Revision;
import dev.molt.spi.Health;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The loopback protocol of the ha suite carries instances and verdicts unchanged. */
class HaWireTest {

  @Test
  void instancesRoundTripWithEveryFieldAndAwkwardLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("molt.dev/fleet", "ha-01");
    labels.put("molt.dev/tainted", "reason with spaces, tabs\tand = & signs");
    Instant t = Instant.parse("2026-12-04T01:02:03.456Z");
    List<Instance> instances = List.of(
        new Instance("i-1", "ha-01", HaWire.spec(2).revision(), Optional.of("10.0.0.1:8080"),
            InstanceState.RUNNING, t, t.plusSeconds(1), Optional.of(t.plusSeconds(2)), labels),
        new Instance("i-2", "ha-01", HaWire.spec(3).revision(), Optional.empty(),
            InstanceState.DRAINING, t, t, Optional.empty(), Map.of()));

    assertThat(HaWire.instances(HaWire.instances(instances))).isEqualTo(instances);
    assertThat(HaWire.instances("")).isEmpty();
  }

  @Test
  void verdictsRoundTrip() {
    Map<String, Health> verdicts = new LinkedHashMap<>();
    verdicts.put("i-1", Health.HEALTHY);
    verdicts.put("i-2", Health.UNKNOWN);
    assertThat(HaWire.health(HaWire.health(verdicts))).isEqualTo(verdicts);
  }

  @Test
  void everyVersionHasItsOwnRevisionFoundAgainByIt() {
    List<Revision> revisions = IntStream.rangeClosed(1, HaPlatform.VERSIONS)
        .mapToObj(n -> HaWire.spec(n).revision()).toList();
    assertThat(revisions).doesNotHaveDuplicates();
    IntStream.rangeClosed(1, HaPlatform.VERSIONS).forEach(n -> assertThat(
        HaWire.version(HaWire.spec(n).revision(), HaPlatform.VERSIONS)).isEqualTo(n));
  }
}
