package dev.molt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RollingOracleTest {
  /** launch 20 s + healthy 10 s = ready 30 s after launch; drain 5 s. */
  private static final Latencies DEFAULTS = Latencies.defaults();

  /** Worked by hand in docs/benchmarks.md. */
  @ParameterizedTest(name = "n={0} surge={1} unavailable={2} -> {3}s")
  @CsvSource({
      "10, 3, 0, 140", // 4 waves of (30 + 5)
      "4, 1, 0, 140", // 4 waves of (30 + 5)
      "4, 4, 0, 35", // one wave: everything launches at 0, old drains at 30
      "4, 0, 1, 140", // 4 waves of (5 + 30): drain first, launch into the freed slot
      "4, 1, 1, 70", // launches and drains overlap
      "10, 3, 3, 70",
      "1, 1, 0, 35",
      "0, 1, 0, 0"})
  void workedExamples(int n, int surge, int unavailable, long seconds) {
    assertThat(RollingOracle.makespan(n, surge, unavailable, DEFAULTS))
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void aZeroDrainTimeLetsTheNextLaunchStartAtTheSameInstant() {
    Latencies instantDrain = new Latencies(Duration.ofSeconds(20), Duration.ofSeconds(10),
        Duration.ZERO);
    assertThat(RollingOracle.makespan(4, 1, 0, instantDrain)).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void pureSurgeAndPureUnavailableFollowTheirClosedForms() {
    for (int n = 1; n <= 60; n++) {
      for (int k = 1; k <= n; k++) {
        Duration wave = Duration.ofSeconds(35);
        Duration closedForm = wave.multipliedBy((n + k - 1) / k);
        assertThat(RollingOracle.makespan(n, k, 0, DEFAULTS)).as("n=%d surge=%d", n, k)
            .isEqualTo(closedForm);
        assertThat(RollingOracle.makespan(n, 0, k, DEFAULTS)).as("n=%d unavailable=%d", n, k)
            .isEqualTo(closedForm);
      }
    }
  }

  /** The greedy schedule is the fastest: no schedule found by exhaustive search beats it. */
  @ParameterizedTest(name = "ready after {0}, drain {1}")
  @CsvSource({"3, 1", "2, 2", "1, 3", "4, 1"})
  void noScheduleOnSmallFleetsIsFasterThanTheOracle(int ready, int drain) {
    Latencies l = new Latencies(Duration.ofSeconds(ready), Duration.ZERO,
        Duration.ofSeconds(drain));
    for (int n = 1; n <= 4; n++) {
      for (int surge = 0; surge <= n; surge++) {
        for (int unavailable = 0; unavailable <= n; unavailable++) {
          if (surge + unavailable == 0) {
            continue;
          }
          assertThat(RollingOracle.makespan(n, surge, unavailable, l).toSeconds())
              .as("n=%d surge=%d unavailable=%d", n, surge, unavailable)
              .isEqualTo(fastestByExhaustiveSearch(n, surge, unavailable, 0, ready, drain));
        }
      }
    }
  }

  /** Worked by hand in docs/benchmarks.md: a canary's router-less promotion. */
  @ParameterizedTest(name = "n={0} surge={1} unavailable={2} readyNew={3} -> {4}s")
  @CsvSource({
      // total 13 = n + surge: drain 3 at 0; launch 3 at 5, 35, 40 ... three waves and a last 1
      "10, 3, 0, 3, 110",
      "4, 1, 0, 1, 110", // one wave of 35 s saved against readyNew = 0 (140 s)
      "4, 1, 0, 4, 5", // the whole new fleet is ready: drain every old instance at once
      // serving 6, floor 3: drain 3 at 0; launch 1 at 5 (total 4), ready at 35: drain the last
      // old one; launch the fourth new one at 40, ready at 70
      "4, 0, 1, 2, 70",
      "4, 1, 0, 0, 140"}) // the same as the four-argument form
  void newInstancesAlreadyReadyShortenTheUpdate(int n, int surge, int unavailable, int readyNew,
      long seconds) {
    assertThat(RollingOracle.makespan(n, surge, unavailable, readyNew, DEFAULTS))
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  /** The same exhaustive check, starting with some new instances ready. */
  @ParameterizedTest(name = "ready after {0}, drain {1}")
  @CsvSource({"3, 1", "1, 3"})
  void noScheduleWithReadyNewInstancesIsFasterThanTheOracle(int ready, int drain) {
    Latencies l = new Latencies(Duration.ofSeconds(ready), Duration.ZERO,
        Duration.ofSeconds(drain));
    for (int n = 1; n <= 4; n++) {
      for (int surge = 0; surge <= n; surge++) {
        for (int unavailable = 0; unavailable <= n; unavailable++) {
          for (int readyNew = 1; readyNew <= n && surge + unavailable > 0; readyNew++) {
            assertThat(RollingOracle.makespan(n, surge, unavailable, readyNew, l).toSeconds())
                .as("n=%d surge=%d unavailable=%d readyNew=%d", n, surge, unavailable, readyNew)
                .isEqualTo(fastestByExhaustiveSearch(n, surge, unavailable, readyNew, ready,
                    drain));
          }
        }
      }
    }
  }

  @Test
  void limitsThatAllowNoProgressAreRefused() {
    assertThatThrownBy(() -> RollingOracle.makespan(3, 0, 0, DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both 0");
    assertThatThrownBy(() -> RollingOracle.makespan(-1, 1, 0, DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n=-1");
    assertThatThrownBy(() -> RollingOracle.makespan(3, 1, 0, 4, DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readyNew=4");
  }

  /**
   * Every schedule in whole seconds, breadth first: at each second, after arrivals, launch any
   * number and drain any number the limits allow. State: {old serving, new ready, launching by
   * seconds left (ready..1), draining by seconds left (drain..1)}.
   */
  private static long fastestByExhaustiveSearch(int n, int surge, int unavailable, int readyNew,
      int ready, int drain) {
    int[] start = new int[2 + ready + drain];
    start[0] = n;
    start[1] = readyNew;
    Set<List<Integer>> frontier = Set.of(asList(start));
    for (long t = 0; t < 1_000; t++) {
      Set<List<Integer>> next = new HashSet<>();
      for (List<Integer> state : frontier) {
        int[] s = state.stream().mapToInt(Integer::intValue).toArray();
        if (s[1] == n && s[0] == 0 && Arrays.stream(s, 2, s.length).sum() == 0) {
          return t;
        }
        int launching = Arrays.stream(s, 2, 2 + ready).sum();
        int draining = Arrays.stream(s, 2 + ready, s.length).sum();
        int total = s[0] + s[1] + launching + draining;
        int maxLaunch = Math.min(n - s[1] - launching, n + surge - total);
        int maxDrain = Math.min(s[0], s[0] + s[1] - (n - unavailable));
        for (int launch = 0; launch <= Math.max(0, maxLaunch); launch++) {
          for (int drained = 0; drained <= Math.max(0, maxDrain); drained++) {
            next.add(asList(advance(s, launch, drained, ready, drain)));
          }
        }
      }
      frontier = next;
    }
    throw new AssertionError("no schedule finishes within 1000 s");
  }

  private static int[] advance(int[] s, int launch, int drained, int ready, int drain) {
    int[] a = s.clone();
    a[0] -= drained;
    a[2 + ready - 1] += launch; // index 2 + k - 1 holds those with k seconds left
    a[2 + ready + drain - 1] += drained;
    int[] b = a.clone();
    b[1] += a[2]; // one second left: ready after this second
    for (int k = 1; k < ready; k++) {
      b[2 + k - 1] = a[2 + k];
    }
    b[2 + ready - 1] = 0;
    for (int k = 1; k < drain; k++) {
      b[2 + ready + k - 1] = a[2 + ready + k];
    }
    b[2 + ready + drain - 1] = 0;
    return b;
  }

  private static List<Integer> asList(int[] values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }
}
