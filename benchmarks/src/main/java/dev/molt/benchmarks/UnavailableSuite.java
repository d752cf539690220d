package dev.molt.benchmarks;

import java.io.PrintStream;

/**
 * A suite this build knows of but cannot run, because what it drives is not part of the build. It
 * runs nothing and reports nothing: it fails with the reason.
 */
final class UnavailableSuite implements Suite {
  private final String name;
  private final String summary;
  private final String reason;

  UnavailableSuite(String name, String summary, String reason) {
    this.name = name;
    this.summary = summary;
    this.reason = reason;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String summary() {
    return summary + " [not available in this build: " + reason + "]";
  }

  @Override
  public boolean available() {
    return false;
  }

  @Override
  public void run(Options options, PrintStream out) {
    throw new UsageException("suite '" + name + "' is not available in this build: " + reason);
  }
}
