package dev.molt.benchmarks;

import dev.molt.benchmarks.MetricStreams.Metric;
import dev.molt.gate.MetricComparison;
import dev.molt.gate.Verdict;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

/**
 * How often the canary judge ({@link MetricComparison} with its default tolerance and alpha) is
 * right, over seeded synthetic streams ({@link MetricStreams}): for each metric, sample size n
 * (per side) and true effect, the detection rate ({@code power}: the share of trials that fail a
 * canary that much worse) and the false-fail rate on equal distributions ({@code false_fail}).
 * Each case draws {@code --trials} pairs of streams from its own seed, derived from {@code --seed},
 * so a case is reproducible alone.
 *
 * <p>Prints {@code judge metric=<m> n=<samples> effect=<e> power=<p> false_fail=<f>} per case and
 * last {@code judge: default_floor=<n> power_at_10pct=<p> false_fail=<f>}: the least n at which
 * the latency judge detects a 10 % regression with power ≥ 0.9 while failing equal canaries at
 * most 5 % of the time. That n is {@link MetricComparison#DEFAULT_MIN_SAMPLES}; a {@code
 * gate_default_min_samples} line shows the constant, so a drift between the two is visible.
 */
final class JudgeSuite implements Suite {
  /** Sample sizes per side when {@code --sizes} is left at its fleet-size default. */
  static final List<Integer> SAMPLE_SIZES = List.of(10, 20, 30, 40, 50, 60, 80, 100);
  static final List<Double> EFFECTS = List.of(0.05, 0.10, 0.20);
  static final double TARGET_POWER = 0.9;
  static final double MAX_FALSE_FAIL = 0.05;

  @Override
  public String name() {
    return "judge";
  }

  @Override
  public String summary() {
    return "the canary judge's power and false-fail rate over synthetic metric streams";
  }

  @Override
  public int run(Options options, PrintStream out) {
    List<Integer> sizes = options.sizes().equals(Options.DEFAULT_SIZES) ? SAMPLE_SIZES
        : options.sizes().stream().filter(n -> n >= 3).toList();
    if (sizes.isEmpty()) {
      throw new UsageException("--sizes needs a sample size of at least 3 for judge");
    }
    out.println("suite: " + name());
    out.println("seed: " + options.seed());
    out.println("trials: " + options.trials());
    out.println("tolerance: " + MetricComparison.DEFAULT_TOLERANCE);
    out.println("alpha: " + MetricComparison.DEFAULT_ALPHA);
    out.println("latency: lognormal median=" + (int) MetricStreams.LATENCY_MEDIAN_MS
        + "ms sigma=" + MetricStreams.LATENCY_SIGMA + " drift=" + MetricStreams.DRIFT);
    out.println("errors: bernoulli rate=" + MetricStreams.ERROR_RATE + " requests_per_sample="
        + MetricStreams.REQUESTS_PER_SAMPLE + " drift=" + MetricStreams.DRIFT);
    OptionalInt floor = OptionalInt.empty();
    double floorPower = 0;
    double floorFalse = 0;
    for (Metric metric : Metric.values()) {
      for (int n : sizes) {
        double falseFail = failRate(metric, n, 0.0, options);
        for (double effect : EFFECTS) {
          double power = failRate(metric, n, effect, options);
          out.println("judge metric=" + metric.label() + " n=" + n + " effect="
              + Format.decimal(effect, 2) + " power=" + Format.decimal(power, 3)
              + " false_fail=" + Format.decimal(falseFail, 3));
          if (metric == Metric.LATENCY && effect == 0.10 && floor.isEmpty()
              && power >= TARGET_POWER && falseFail <= MAX_FALSE_FAIL) {
            floor = OptionalInt.of(n);
            floorPower = power;
            floorFalse = falseFail;
          }
        }
      }
    }
    out.println("gate_default_min_samples: " + MetricComparison.DEFAULT_MIN_SAMPLES);
    out.println("judge: default_floor=" + (floor.isPresent() ? String.valueOf(floor.getAsInt())
        : "none")
        + " power_at_10pct=" + Format.decimal(floorPower, 3) + " false_fail="
        + Format.decimal(floorFalse, 3));
    return 0;
  }

  /** @return the share of trials in which the judge fails the canary */
  static double failRate(Metric metric, int n, double effect, Options options) {
    MetricComparison judge = MetricComparison.builder(q -> List.of(), "m{rev=\"{revision}\"}")
        .metric(metric.label()).minSamples(3).build();
    Random random = new Random(caseSeed(options.seed(), metric, n, effect));
    int fails = 0;
    for (int t = 0; t < options.trials(); t++) {
      List<Double> baseline = MetricStreams.samples(metric, n, 0.0, random);
      List<Double> canary = MetricStreams.samples(metric, n, effect, random);
      fails += judge.judge(canary, baseline).verdict() == Verdict.FAIL ? 1 : 0;
    }
    return fails / (double) options.trials();
  }

  private static long caseSeed(long seed, Metric metric, int n, double effect) {
    long h = seed * 0x9E3779B97F4A7C15L;
    h = (h ^ metric.ordinal()) * 0xBF58476D1CE4E5B9L;
    h = (h ^ n) * 0x94D049BB133111EBL;
    return h ^ Math.round(effect * 1000);
  }
}
