package dev.molt.examples;

import dev.molt.Image;
import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.reconcile.Finding;
import dev.molt.reconcile.ReconcileReport;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.spi.LaunchRequest;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code ./demo --scenario reconcile}: a fleet declared to run v2 whose reality drifted — 3
 * instances still run v1, an operator's break-glass login tainted one, 2 fail their health check —
 * is reconciled once: every finding printed with its reason, then a summary line.
 */
final class ReconcileScenario {
  private static final String FLEET = "web";
  private static final int MESSY = 6;

  private ReconcileScenario() {}

  static int run(DemoOptions options, PrintStream out) {
    if (options.capacity() < MESSY) {
      out.println("reconcile: --capacity must be at least " + MESSY + " for this scenario");
      return 2;
    }
    VirtualTime time = VirtualTime.create();
    InstanceBehavior healthy = InstanceBehavior.healthy(Duration.ofSeconds(20),
        Duration.ofSeconds(10));
    InMemoryProvider platform = InMemoryProvider.builder(time).defaultBehavior(healthy).build();
    ProgressPrinter printer = new ProgressPrinter(out, time);
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(options.seed())
        .pollInterval(Duration.ofSeconds(5)).listener(printer).build();
    LaunchSpec v1 = Demo.spec(Image.of(Demo.V1, "v1"));
    LaunchSpec v2 = Demo.spec(Image.of(Demo.V2, "v2"));
    engine.remember(v1);

    String tainted = buildMessyFleet(platform, time, healthy, v1, v2, options.capacity());
    engine.taint(FLEET, tainted, "break-glass ssh login by alice");
    out.println("molt demo: fleet web declared as " + options.capacity() + " x v2 (" + v2.revision()
        + "); 3 instances run v1, 1 was tainted by a break-glass login, 2 fail their health"
        + " check");
    out.println("reconciling with maxSurge=25% maxUnavailable=0 unhealthyGrace=30s");
    ReconcileReport report = engine.reconcile(ReconcileSpec.builder(FLEET)
        .capacity(options.capacity()).declared(v2)
        .rolling(RollingUpdate.of(Amount.percent(25), Amount.of(0)))
        .unhealthyGrace(Duration.ofSeconds(30)).build()).await();

    long serving = platform.instances(FLEET).stream()
        .filter(i -> i.isHealthy() && i.revision().equals(v2.revision())).count();
    return print(report, serving, options.capacity(), out);
  }

  private static int print(ReconcileReport report, long serving, int capacity, PrintStream out) {
    out.println("findings:");
    for (Finding f : report.findings()) {
      out.printf("  %-10s %-9s %-9s %s%n", f.instanceId(), f.kind(), outcome(f), f.reason());
    }
    out.println("fleet web: " + serving + "/" + capacity + " healthy on v2"
        + report.run().map(r -> ", run " + r.id() + " " + r.phase() + " in "
            + ProgressPrinter.format(r.elapsed()) + " of virtual time").orElse(""));
    out.println("reconcile: " + report.summary());
    boolean ok = report.isComplete()
        && report.run().map(r -> r.phase() == RolloutPhase.SUCCEEDED).orElse(false);
    return ok ? 0 : 1;
  }

  /** Launches the fleet as a careless history would have left it; returns the one to taint. */
  private static String buildMessyFleet(InMemoryProvider platform, VirtualTime time,
      InstanceBehavior healthy, LaunchSpec v1, LaunchSpec v2, int capacity) {
    platform.script(v2.revision(), healthy.turningUnhealthyAfter(Duration.ofMinutes(1)));
    launch(platform, v2, 2, "ro-history1");
    platform.script(v2.revision(), healthy);
    List<Instance> fine = launch(platform, v2, capacity - 5, "ro-history2");
    launch(platform, v1, 3, "ro-history0");
    time.advance(Duration.ofMinutes(3));
    return fine.get(0).id();
  }

  private static List<Instance> launch(InMemoryProvider platform, LaunchSpec spec, int count,
      String rollout) {
    return platform.launch(new LaunchRequest(FLEET, spec, count, rollout, rollout + "-1"));
  }

  private static String outcome(Finding f) {
    return switch (f.outcome()) {
      case DONE -> f.remedy() == Finding.Remedy.TERMINATE ? "removed" : "replaced";
      case RESOLVED -> "resolved";
      case NOT_DONE -> "not-done";
      case PLANNED -> "planned";
    };
  }
}
