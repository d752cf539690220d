package dev.molt.docker.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.molt.Revision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WeightsTest {
  private static final Revision V1 = Revision.of("r-1111111111");
  private static final Revision V2 = Revision.of("r-2222222222");

  static Stream<Arguments> examples() {
    return Stream.of(
        // servers of v1, servers of v2, v1 share, expected v1 weight, v2 weight, error allowed
        Arguments.of(1, 1, 80, 4, 1, 0.0),
        Arguments.of(4, 1, 80, 1, 1, 0.0),
        Arguments.of(5, 1, 80, 4, 5, 0.0),
        Arguments.of(1, 4, 80, 16, 1, 0.0),
        Arguments.of(3, 2, 50, 2, 3, 0.0),
        Arguments.of(2, 2, 100, 1, 0, 0.0),
        Arguments.of(5, 1, 99, 99, 5, 0.0),
        Arguments.of(1, 5, 0, 0, 1, 0.0),
        // exact weights would be 363 and 469, beyond 256: scaled and rounded
        Arguments.of(7, 11, 33, 198, 256, 0.5));
  }

  @ParameterizedTest(name = "{0} v1 + {1} v2 servers at {2}% v1 -> {3}/{4}")
  @MethodSource("examples")
  void sharesBecomeServerWeightsWithinHaproxysRange(int n1, int n2, int share, int w1, int w2,
      double error) {
    Map<Revision, List<String>> members = new LinkedHashMap<>();
    members.put(V1, names("a", n1));
    members.put(V2, names("b", n2));

    Map<String, Integer> weights = Weights.spread(members,
        Optional.of(Map.of(V1, share, V2, 100 - share)), 100, 256);

    assertThat(weights).hasSize(n1 + n2);
    assertThat(weights.get("a0")).isEqualTo(w1);
    assertThat(weights.get("b0")).isEqualTo(w2);
    double v1Share = 100.0 * n1 * w1 / (n1 * w1 + n2 * w2);
    assertThat(v1Share).isCloseTo(share, offset(error + 1e-9));
  }

  @ParameterizedTest(name = "no shares set: {0} + {1} servers all equal")
  @MethodSource("examples")
  void withoutSharesEveryServerWeighsTheSame(int n1, int n2) {
    Map<Revision, List<String>> members = Map.of(V1, names("a", n1), V2, names("b", n2));

    assertThat(Weights.spread(members, Optional.empty(), 100, 256).values())
        .hasSize(n1 + n2).containsOnly(100);
  }

  private static List<String> names(String prefix, int n) {
    return Stream.iterate(0, i -> i + 1).limit(n).map(i -> prefix + i).toList();
  }
}
