package dev.molt.benchmarks;

import java.io.PrintStream;

/**
 * One benchmark suite of the command line. It prints only machine-readable lines to {@code out}:
 * {@code key: value}, or one line per case starting with the suite's name and made of {@code
 * key=value} pairs.
 */
public interface Suite {

  /** @return the name given on the command line */
  String name();

  /** @return one line for {@code --help} */
  String summary();

  /** @return false if this build cannot run it ({@link #run} then says why) */
  default boolean available() {
    return true;
  }

  /**
   * Runs the suite.
   *
   * @param options the parsed command line
   * @param out where the figures go
   * @throws UsageException if the options do not fit this suite, or it is not available
   */
  void run(Options options, PrintStream out);
}
