package dev.molt.benchmarks;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The suites the command line knows, in {@code --help} order. */
public final class Suites {
  private Suites() {}

  /** @return every suite, available or not */
  public static List<Suite> all() {
    return List.of(
        new MakespanSuite(),
        new CallsSuite(),
        new OverheadSuite(),
        new FaultsSuite(),
        new JudgeSuite(),
        new DockerSuite(),
        new dev.molt.benchmarks.ha.HaSuite());
  }

  /** @return the suite called {@code name} */
  public static Optional<Suite> find(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** @return the suite names, comma-separated */
  public static String names() {
    return all().stream().map(Suite::name).collect(Collectors.joining(", "));
  }
}
