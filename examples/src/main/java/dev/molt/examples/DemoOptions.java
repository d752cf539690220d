package dev.molt.examples;

import java.util.List;

/**
 * The demo's command-line options.
 *
 * @param capacity fleet size
 * @param seed seed for ids and jitter
 * @param help whether to print usage
 * @param strategy rolling, blue-green or canary
 * @param plan whether to print the plan instead of rolling out
 */
record DemoOptions(int capacity, long seed, boolean help, String strategy, boolean plan) {

  static DemoOptions parse(List<String> args) {
    int capacity = 10;
    long seed = 42;
    boolean help = false;
    String strategy = "rolling";
    boolean plan = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--capacity" -> capacity = intValue(a, value(args, ++i, a), 1, 100_000);
        case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
        case "--strategy" -> strategy = oneOf(a, value(args, ++i, a), DemoStrategies.NAMES);
        case "--plan" -> plan = true;
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    return new DemoOptions(capacity, seed, help, strategy, plan);
  }

  static String usage() {
    return String.join("\n",
        "usage: ./demo [options]",
        "  Rolls a fleet from v1 to v2 on Molt's in-memory provider in virtual time.",
        "",
        "  --capacity <n>   fleet size (default 10)",
        "  --seed <n>       seed for rollout ids and retry jitter (default 42)",
        "  --strategy <s>   rolling | blue-green | canary (default rolling)",
        "  --plan           print the rollout's plan (steps, traffic, peak, duration, rollback",
        "                   cost) without rolling out",
        "  --help           this text");
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
