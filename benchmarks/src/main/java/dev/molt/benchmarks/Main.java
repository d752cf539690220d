package dev.molt.benchmarks;

import java.io.PrintStream;
import java.util.List;

/**
 * The benchmark command line: {@code java -jar benchmarks/target/molt-benchmarks.jar <suite>
 * [options]}. Figures go to standard output as machine-readable lines; errors go to standard error
 * with exit status 2; a fault campaign that finds invariant violations exits with 1.
 */
public final class Main {
  private Main() {}

  /**
   * Runs a suite.
   *
   * @param args the suite name and options; see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /**
   * Runs a suite.
   *
   * @param args the suite name and options
   * @param out where figures and help go
   * @param err where errors go
   * @return the exit status: 0 when the suite ran, 1 when it found a defect, 2 for bad usage
   */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    try {
      Options options = Options.parse(args);
      if (options.help()) {
        out.println(usage());
        return 0;
      }
      Suite suite = Suites.find(options.suite()).orElseThrow(() -> new UsageException(
          "unknown suite '" + options.suite() + "'; suites: " + Suites.names()));
      return suite.run(options, out);
    } catch (UsageException e) {
      err.println("molt-benchmarks: " + e.getMessage());
      err.println("run with --help for the suites and options");
      return 2;
    }
  }

  /** @return the help text */
  static String usage() {
    StringBuilder b = new StringBuilder(
        "usage: java -jar benchmarks/target/molt-benchmarks.jar <suite> [options]\n\nsuites:\n");
    for (Suite s : Suites.all()) {
      b.append(String.format("  %-10s %s%n", s.name(), s.summary()));
    }
    return b.append('\n').append(Options.usage()).toString();
  }
}
