package dev.molt.examples;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The README demo: rolls a 10-instance fleet from v1 to v2 on the in-memory provider in virtual
 * time, printing a line per step and, last, a summary line.
 */
public final class Demo {
  static final String V1 = "registry.example/web@sha256:"
      + "1111111111111111111111111111111111111111111111111111111111111111";
  static final String V2 = "registry.example/web@sha256:"
      + "2222222222222222222222222222222222222222222222222222222222222222";

  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) {
    DemoOptions options;
    try {
      options = DemoOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.err.println(DemoOptions.usage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(DemoOptions.usage());
      return;
    }
    int code = switch (options.scenario()) {
      case "reconcile" -> options.provider().equals("docker") ? run(options, System.out)
          : ReconcileScenario.run(options, System.out);
      case "patch-wave" -> PatchWaveScenario.run(options, System.out);
      default -> run(options, System.out);
    };
    System.exit(code);
  }

  static int run(DemoOptions options, PrintStream out) {
    if (options.provider().equals("docker")) {
      return options.scenario().equals("reconcile") ? DockerReconcileScenario.run(options, out)
          : DockerScenario.run(options, out);
    }
    long wallStart = System.nanoTime();
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)))
        .build();
    ProgressPrinter printer = new ProgressPrinter(out, time);
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(options.seed())
        .pollInterval(Duration.ofSeconds(5)).listener(printer).build();

    LaunchSpec v1 = spec(Image.of(V1, "v1"));
    LaunchSpec v2 = spec(Image.of(V2, "v2"));
    RollingUpdate rolling = RollingUpdate.of(Amount.percent(25), Amount.of(0))
        .withMinReadyTime(Duration.ofSeconds(30));
    RolloutSpec base = RolloutSpec.builder("web").capacity(options.capacity()).target(v1)
        .strategy(rolling).build();

    out.println("molt demo: fleet web, " + options.capacity() + " instances, in-memory provider,"
        + " virtual time");
    printer.quiet(true);
    Rollout first = engine.run(base);
    printer.quiet(false);
    out.println("fleet web is on v1 (" + first.to() + "): " + options.capacity() + " healthy");
    RolloutSpec next = base.toBuilder().target(v2)
        .strategy(DemoStrategies.forName(options.strategy())).build();
    if (options.plan()) {
      out.print(engine.plan(next).toText());
      return 0;
    }
    out.println("rolling to v2 (" + v2.revision() + ") with "
        + DemoStrategies.describe(options.strategy()));
    Rollout done = engine.run(next);
    options.timeline().ifPresent(file -> TimelineFile.write(file, done, out));
    long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
    int onTarget = platform.instances("web").stream()
        .filter(i -> i.revision().equals(v2.revision()) && i.isHealthy()).toList().size();
    out.println(ProgressPrinter.summary(done, onTarget, options.capacity(), wallMs));
    return done.phase() == RolloutPhase.SUCCEEDED ? 0 : 1;
  }

  static LaunchSpec spec(Image image) {
    return LaunchSpec.builder(image).ports(8080).env("GREETING", "hello")
        .healthCheck(HealthCheck.http(8080, "/health")).build();
  }

}
