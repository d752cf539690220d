package dev.molt.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parsed command line: {@code <suite> [--option value]...}.
 *
 * @param suite the suite name (empty with {@code --help} alone)
 * @param help whether {@code --help} was given
 * @param sizes the fleet sizes (default 10, 100, 1000, 10000)
 * @param latencies the platform latencies (default launch 20 s, healthy 10 s, drain 5 s)
 * @param poll the engine's poll interval (default 2 s, the engine's own default)
 * @param notifications whether the simulated platform notifies the engine of changes (default
 *     true, as the in-memory provider does); false models a platform the engine must poll
 * @param strategy only cases of this strategy, if given
 * @param runs repetitions of each timed simulation in {@code overhead} (default 5)
 * @param jmhForks JMH forks for {@code overhead} (default 1)
 * @param jmhIterations JMH warm-up and measurement iterations of 1 s each (default 5)
 * @param schedules fault schedules in {@code faults} (default 1000)
 * @param seed the fault campaign's and the judge suite's seed (default 1)
 * @param replay one fault schedule to run again, by the seed its violation line printed
 * @param trials synthetic comparisons per case in {@code judge} (default 1000)
 */
public record Options(
    String suite,
    boolean help,
    List<Integer> sizes,
    Latencies latencies,
    Duration poll,
    boolean notifications,
    Optional<String> strategy,
    int runs,
    int jmhForks,
    int jmhIterations,
    int schedules,
    long seed,
    Optional<Long> replay,
    int trials) {

  /** The default fleet sizes. */
  public static final List<Integer> DEFAULT_SIZES = List.of(10, 100, 1_000, 10_000);

  /** Copies the sizes. */
  public Options {
    sizes = List.copyOf(sizes);
  }

  /**
   * Parses the arguments.
   *
   * @param args the command line after {@code java -jar molt-benchmarks.jar}
   * @return the options
   * @throws UsageException naming the offending argument
   */
  public static Options parse(List<String> args) {
    Builder b = new Builder();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        b.help = true;
      } else if (arg.startsWith("--")) {
        if (i + 1 >= args.size()) {
          throw new UsageException(arg + " needs a value");
        }
        b.set(arg, args.get(++i));
      } else if (b.suite.isEmpty()) {
        b.suite = arg;
      } else {
        throw new UsageException("unexpected argument '" + arg + "' after suite '" + b.suite
            + "'");
      }
    }
    if (b.suite.isEmpty() && !b.help) {
      throw new UsageException("no suite given");
    }
    return new Options(b.suite, b.help, b.sizes, new Latencies(b.launch, b.healthy, b.drain),
        b.poll, b.notifications, b.strategy, b.runs, b.jmhForks, b.jmhIterations, b.schedules, b.seed,
        b.replay, b.trials);
  }

  /** @return the options part of the usage text */
  static String usage() {
    return String.join("\n",
        "options:",
        "  --sizes 10,100,1000,10000   fleet sizes (makespan, calls; overhead uses the largest)",
        "  --strategy rolling          only its cases (makespan, calls): rolling|blue-green|canary",
        "  --launch 20s                launch latency of every instance",
        "  --healthy 10s               from running until healthy",
        "  --drain 5s                  drain time",
        "  --poll 2s                   engine poll interval (the engine's default is 2s)",
        "  --notifications on          off: the platform never signals changes; the engine polls",
        "  --runs 5                    timed runs per figure (overhead; docker: the median)",
        "  --jmh-forks 1               JMH forks (overhead)",
        "  --jmh-iterations 5          JMH warm-up and measurement iterations of 1s (overhead)",
        "  --schedules 1000            random fault schedules (faults)",
        "  --seed 1                    the seed of the fault campaign and the metric streams",
        "  --replay <seed>             run the one schedule a violation line names (faults)",
        "  --trials 1000               synthetic comparisons per case (judge)",
        "  --help                      this text",
        "durations: 500ms, 20s, 2m, 1h; a bare number is seconds");
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 20s}, {@code 2m}, {@code 1h} or {@code 1.5}
   * (seconds).
   *
   * @param option the option name, for the message
   * @param text the value
   * @return the duration, zero or positive
   * @throws UsageException if it is not one
   */
  static Duration duration(String option, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    String[][] units = {{"ms", "0.001"}, {"s", "1"}, {"m", "60"}, {"h", "3600"}};
    String number = t;
    String scale = "1";
    for (String[] u : units) {
      if (t.endsWith(u[0])) {
        number = t.substring(0, t.length() - u[0].length());
        scale = u[1];
        break;
      }
    }
    try {
      java.math.BigDecimal seconds = new java.math.BigDecimal(number)
          .multiply(new java.math.BigDecimal(scale));
      if (seconds.signum() < 0) {
        throw new UsageException(option + " must not be negative, was '" + text + "'");
      }
      return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(option + " expects a duration such as 500ms, 20s or 2m, was '"
          + text + "'");
    }
  }

  private static int positiveInt(String option, String text) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(option + " expects a whole number >= 1, was '" + text + "'");
  }

  /** Collects values while parsing. */
  private static final class Builder {
    String suite = "";
    boolean help;
    List<Integer> sizes = DEFAULT_SIZES;
    Latencies defaults = Latencies.defaults();
    Duration launch = defaults.launch();
    Duration healthy = defaults.healthy();
    Duration drain = defaults.drain();
    Duration poll = Duration.ofSeconds(2);
    boolean notifications = true;
    Optional<String> strategy = Optional.empty();
    int runs = 5;
    int jmhForks = 1;
    int jmhIterations = 5;
    int schedules = 1000;
    long seed = 1;
    Optional<Long> replay = Optional.empty();
    int trials = 1000;

    void set(String option, String value) {
      switch (option) {
        case "--sizes" -> sizes = sizes(value);
        case "--strategy" -> strategy = Optional.of(value);
        case "--launch" -> launch = duration(option, value);
        case "--healthy" -> healthy = duration(option, value);
        case "--drain" -> drain = duration(option, value);
        case "--poll" -> poll = positive(option, duration(option, value));
        case "--notifications" -> notifications = onOff(option, value);
        case "--runs" -> runs = positiveInt(option, value);
        case "--jmh-forks" -> jmhForks = positiveInt(option, value);
        case "--jmh-iterations" -> jmhIterations = positiveInt(option, value);
        case "--schedules" -> schedules = positiveInt(option, value);
        case "--seed" -> seed = seed(option, value);
        case "--replay" -> replay = Optional.of(seed(option, value));
        case "--trials" -> trials = positiveInt(option, value);
        default -> throw new UsageException("unknown option " + option + " (see --help)");
      }
    }

    private static long seed(String option, String value) {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new UsageException(option + " expects a whole number, was '" + value + "'");
      }
    }

    private static boolean onOff(String option, String value) {
      return switch (value) {
        case "on" -> true;
        case "off" -> false;
        default -> throw new UsageException(option + " expects on or off, was '" + value + "'");
      };
    }

    private static Duration positive(String option, Duration d) {
      if (d.isZero()) {
        throw new UsageException(option + " must be more than 0");
      }
      return d;
    }

    private static List<Integer> sizes(String value) {
      List<Integer> out = new ArrayList<>();
      for (String part : value.split(",", -1)) {
        out.add(positiveInt("--sizes", part));
      }
      return out;
    }
  }
}
