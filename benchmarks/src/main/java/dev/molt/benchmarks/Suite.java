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

  /**
   * Runs the suite.
   *
   * @param options the parsed command line
   * @param out where the figures go
   * @return the exit status: 0, or 1 when the suite found a defect (the fault campaign)
   * @throws UsageException if the options do not fit this suite
   */
  int run(Options options, PrintStream out);
}
