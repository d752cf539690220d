package dev.molt.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What counts as the same cause, and the rule, as worked examples. */
class FailureCausesTest {
  private static final Instant NOW = Instant.parse("2026-12-04T05:00:00Z");

  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of("ports and addresses differ",
            "GET http://127.0.0.1:32771/health: connection refused",
            "GET http://127.0.0.1:32790/health: connection refused", true),
        Arguments.of("IPv6 addresses differ", "connect [fd00::12]:8080 refused",
            "connect [fd00::9]:8080 refused", true),
        Arguments.of("timestamps differ",
            "last log lines: 2026-12-04T05:00:01.123Z fatal: no config",
            "last log lines: 2026-12-04T05:03:17.004Z fatal: no config", true),
        Arguments.of("clock times differ", "05:00:01 fatal: no config",
            "05:02:44 fatal: no config", true),
        Arguments.of("container ids differ", "container 3f9a1c2b7d4e exited with code 3",
            "container 9b0e44a1c6f2 exited with code 3", true),
        Arguments.of("uuids differ", "request 123e4567-e89b-12d3-a456-426614174000 failed",
            "request 9f1d7c4e-1111-4a2b-9c3d-0123456789ab failed", true),
        Arguments.of("spacing differs", "exited  with code 3", "exited with code 3", true),
        Arguments.of("exit codes differ", "container exited with code 3",
            "container exited with code 4", false),
        Arguments.of("log lines differ", "exited with code 1; last log lines: bind: in use",
            "exited with code 1; last log lines: disk full", false));
  }

  @ParameterizedTest(name = "{0}: same = {3}")
  @MethodSource("pairs")
  void equalCausesCompareEqualWhateverTheirIdsAddressesPortsAndTimes(String name, String a,
      String b, boolean same) {
    assertThat(FailureCauses.normalise(a).equals(FailureCauses.normalise(b)))
        .as("%s%n  %s%n  %s", name, FailureCauses.normalise(a), FailureCauses.normalise(b))
        .isEqualTo(same);
  }

  @ParameterizedTest(name = "the instance's own id is masked")
  @MethodSource("ownIds")
  void anInstancesOwnIdIsMasked(String id) {
    assertThat(FailureCauses.key(failed(id, "server " + id + " gave up")))
        .isEqualTo(FailureCauses.key(failed("other-" + id, "server other-" + id + " gave up")));
  }

  static Stream<String> ownIds() {
    return Stream.of("molt-web-r-1-abcd-0", "web-7d9f8b-xk2p9");
  }

  static Stream<Arguments> rule() {
    String c = "container exited with code 3";
    return Stream.of(
        // budget, prior causes, causes failed now (null = none known) -> fails now by the rule
        Arguments.of(2, Map.of(), List.of(c), false),
        Arguments.of(2, Map.of(FailureCauses.normalise(c), 1), List.of(c), true),
        Arguments.of(2, Map.of(), List.of(c, c), true),
        Arguments.of(2, Map.of(), List.of(c, "container exited with code 4"), false),
        Arguments.of(2, Map.of("another cause", 5), List.of(c), false),
        Arguments.of(1, Map.of(), List.of(c), true),
        Arguments.of(0, Map.of(), List.of(c), true),
        Arguments.of(3, Map.of(FailureCauses.normalise(c), 1), List.of(c), false),
        Arguments.of(2, Map.of(), List.of(""), false));
  }

  @ParameterizedTest(name = "budget {0}, replaced {1}, failed now {2}: fails = {3}")
  @MethodSource("rule")
  void theSameCauseRule(int budget, Map<String, Integer> prior, List<String> now,
      boolean fails) {
    List<Instance> failed = new java.util.ArrayList<>();
    for (int n = 0; n < now.size(); n++) {
      failed.add(failed("i-" + n, now.get(n)));
    }
    Optional<String> reason = FailureCauses.sameCause(prior, failed, budget,
        Fixtures.V2.revision(), Duration.ofMinutes(5));
    assertThat(reason.isPresent()).as("%s", reason).isEqualTo(fails);
    reason.ifPresent(r -> assertThat(r).contains("failed for the same cause within 5m")
        .contains("container exited with code 3"));
  }

  private static Instance failed(String id, String cause) {
    Map<String, String> labels = new HashMap<>(OwnerLabels.of("web", Fixtures.V2.revision(),
        "ro-1"));
    if (!cause.isEmpty()) {
      labels.put(OwnerLabels.FAILURE, cause);
    }
    return new Instance(id, "web", Fixtures.V2.revision(), Optional.empty(), InstanceState.FAILED,
        NOW.minusSeconds(60), NOW, Optional.empty(), labels);
  }
}
