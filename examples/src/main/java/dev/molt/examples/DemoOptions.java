package dev.molt.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The demo's command-line options.
 *
 * @param capacity fleet size
 * @param seed seed for ids and jitter
 * @param help whether to print usage
 * @param scenario which demo: {@code rolling} (default), {@code reconcile} or {@code patch-wave}
 * @param provider {@code in-memory} (default) or {@code docker}
 * @param strategy rolling, blue-green or canary
 * @param plan whether to print the plan instead of rolling out
 * @param timeline where to write the rollout's timeline picture (SVG, or an HTML page for a name
 *     ending in {@code .html}), if anywhere
 */
record DemoOptions(int capacity, long seed, boolean help, String scenario, String provider,
    String strategy, boolean plan, Optional<Path> timeline) {
  static final java.util.Set<String> SCENARIOS = java.util.Set.of("rolling", "reconcile",
      "patch-wave");

  static DemoOptions parse(List<String> args) {
    int capacity = 0;
    long seed = 42;
    boolean help = false;
    String scenario = "rolling";
    String provider = "in-memory";
    String strategy = "rolling";
    boolean plan = false;
    Optional<Path> timeline = Optional.empty();
    args = split(args);
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--capacity" -> capacity = intValue(a, value(args, ++i, a), 1, 100_000);
        case "--seed" -> seed = longValue(a, value(args, ++i, a));
        case "--scenario" -> scenario = scenario(value(args, ++i, a));
        case "--provider" -> provider = providerValue(value(args, ++i, a));
        case "--strategy" -> strategy = oneOf(a, value(args, ++i, a), DemoStrategies.NAMES);
        case "--plan" -> plan = true;
        case "--timeline" -> timeline = Optional.of(pathValue(a, value(args, ++i, a)));
        default -> throw new IllegalArgumentException("unknown option '" + a + "' (./demo --help"
            + " lists them)");
      }
    }
    if (scenario.equals("reconcile") && (plan || !strategy.equals("rolling")
        || timeline.isPresent())) {
      throw new IllegalArgumentException("--scenario reconcile runs alone (on the in-memory"
          + " provider, or with --provider docker a daemon restart healed by continuous"
          + " reconcile): drop --strategy, --plan and --timeline");
    }
    if (plan && timeline.isPresent()) {
      throw new IllegalArgumentException("--timeline draws a rollout that ran, and --plan runs"
          + " none: drop one of them");
    }
    if (scenario.equals("patch-wave") && (provider.equals("docker") || capacity != 0
        || !strategy.equals("rolling") || timeline.isPresent())) {
      throw new IllegalArgumentException("--scenario patch-wave runs its own 12 fleets on the"
          + " in-memory provider: drop --provider, --strategy, --capacity and --timeline (--plan"
          + " prints the campaign's plan)");
    }
    if (capacity == 0) {
      capacity = provider.equals("docker") ? 5 : 10;
    }
    return new DemoOptions(capacity, seed, help, scenario, provider, strategy, plan, timeline);
  }

  static String usage() {
    return String.join("\n",
        "usage: ./demo [options]",
        "  Rolls a fleet from v1 to v2 on Molt's in-memory provider in virtual time.",
        "",
        "  Options take their value as '--name value' or '--name=value'.",
        "",
        "  --capacity <n>   fleet size (default 10; 5 with --provider docker)",
        "  --seed <n>       seed for rollout ids and retry jitter (default 42)",
        "  --scenario <s>   rolling (default): roll v1 to v2; reconcile: find and replace the",
        "                   drifted, tainted and unhealthy instances of a messy fleet (with",
        "                   --provider docker: restart the Docker daemon under a fleet behind",
        "                   HAProxy and watch continuous reconcile replace every container);",
        "                   patch-wave: replace 12 fleets built on base v1 in waves under a",
        "                   25% exposure budget (with --plan: the campaign's plan)",
        "  --provider <p>   in-memory (default: simulated, virtual time) or docker (real containers",
        "                   behind a real HAProxy; provisions an engine with scripts/docker-env.sh)",
        "  --strategy <s>   rolling | blue-green | canary (default rolling)",
        "  --plan           print the rollout's plan (steps, traffic, peak, duration, rollback",
        "                   cost) without rolling out",
        "  --timeline <f>   write a picture of the rollout to file f: SVG, or a self-contained",
        "                   HTML page if f ends in .html (instances, traffic, steps, gates)",
        "  --help           this text");
  }

  private static String scenario(String name) {
    if (!SCENARIOS.contains(name)) {
      throw new IllegalArgumentException("--scenario must be one of rolling, reconcile,"
          + " patch-wave; was '" + name + "'");
    }
    return name;
  }

  private static String providerValue(String text) {
    if (!text.equals("in-memory") && !text.equals("docker")) {
      throw new IllegalArgumentException("--provider must be in-memory or docker, was '" + text
          + "'");
    }
    return text;
  }

  /** {@code --name=value} is {@code --name value}. */
  private static List<String> split(List<String> args) {
    List<String> out = new java.util.ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 2) {
        out.add(a.substring(0, eq));
        out.add(a.substring(eq + 1));
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private static Path pathValue(String option, String text) {
    if (text.isBlank() || text.startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a file name, such as out.svg; was '"
          + text + "'");
    }
    return Path.of(text);
  }

  private static long longValue(String option, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, was '" + text + "'");
    }
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }

  private static String oneOf(String option, String text, List<String> allowed) {
    if (!allowed.contains(text)) {
      throw new IllegalArgumentException(option + " must be one of " + allowed + ", was '" + text
          + "'");
    }
    return text;
  }

  private static int intValue(String option, String text, int min, int max) {
    try {
      int v = Integer.parseInt(text);
      if (v < min || v > max) {
        throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", was "
            + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, was '" + text + "'");
    }
  }
}
