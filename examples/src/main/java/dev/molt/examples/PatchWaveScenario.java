package dev.molt.examples;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;

import dev.molt.Durations;
import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignHandle;
import dev.molt.campaign.CampaignPhase;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.FleetProgress;
import dev.molt.campaign.FleetStatus;
import dev.molt.campaign.ImageRebuild;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.gate.Analysis;
import dev.molt.gate.HealthyShare;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.IllegalControlException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import dev.molt.strategy.BlueGreen;
import dev.molt.strategy.Canary;
import dev.molt.strategy.RollingUpdate;
import dev.molt.strategy.Strategy;
import dev.molt.time.VirtualTime;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ./demo --scenario patch-wave}: 12 in-memory fleets in 3 tiers run images built on base
 * v1 (two of them through a runtime image); base v2 arrives and one campaign replaces them all,
 * canary → dev → staging → prod, under a 25 % global exposure budget. One fleet's rebuilt image
 * never becomes healthy: its own rollout rolls it back, and the campaign goes on within
 * maxFailures=1. Prints one line per fleet and per wave, then a summary line.
 */
final class PatchWaveScenario {
  private static final String BROKEN = "stg-worker";
  private static final Image BASE_V1 = image("base-v1", "base-v1");
  private static final Image BASE_V2 = image("base-v2", "base-v2");
  private static final Image RUNTIME_V1 = image("runtime-v1", "jre-17").withBase(BASE_V1);

  /** name, tier, capacity, ring, through the runtime. */
  private record Declared(String name, String tier, int capacity, boolean canary,
      boolean viaRuntime) {}

  private static final List<Declared> FLEETS = List.of(
      new Declared("dev-web", "dev", 2, true, false),
      new Declared("dev-api", "dev", 2, false, true),
      new Declared("dev-worker", "dev", 2, false, false),
      new Declared("dev-auth", "dev", 2, false, false),
      new Declared("stg-web", "staging", 3, true, false),
      new Declared("stg-api", "staging", 3, false, true),
      new Declared("stg-worker", "staging", 3, false, false),
      new Declared("stg-auth", "staging", 3, false, false),
      new Declared("prd-web", "prod", 6, false, false),
      new Declared("prd-api", "prod", 6, false, false),
      new Declared("prd-worker", "prod", 4, false, false),
      new Declared("prd-auth", "prod", 4, false, false));

  private PatchWaveScenario() {}

  static int run(DemoOptions options, PrintStream out) {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)))
        .build();
    Map<String, Rollout> ended = new ConcurrentHashMap<>();
    RolloutEngine engine = RolloutEngine.builder(platform).time(time).seed(options.seed())
        .pollInterval(Duration.ofSeconds(5)).listener((r, e) -> {
          if (r.isDone()) {
            ended.put(r.id(), r);
          }
        }).build();
    CampaignSpec.Builder spec = CampaignSpec.builder("base-v2", new BaseChange(BASE_V1, BASE_V2))
        .maxExposure(25).maxFailures(Amount.of(1));
    for (Declared d : FLEETS) {
      RolloutSpec rollout = deploy(engine, d);
      spec.fleet(CampaignFleet.of(rollout, Map.of("tier", d.tier(), "ring",
          d.canary() ? "canary" : "main")));
    }
    Analysis allHealthy = Analysis.of(new HealthyShare(1.0)).times(3, Duration.ofMinutes(1));
    CampaignSpec campaign = spec
        .wave(Wave.matching("canary", Map.of("ring", "canary")).withMaxConcurrentFleets(2)
            .withBake(Duration.ofMinutes(10), allHealthy))
        .wave(Wave.matching("dev", Map.of("tier", "dev", "ring", "main"))
            .withMaxConcurrentFleets(3).withBake(Duration.ofMinutes(10)))
        .wave(Wave.matching("staging", Map.of("tier", "staging", "ring", "main"))
            .withMaxConcurrentFleets(2).withBake(Duration.ofMinutes(30), allHealthy))
        .wave(Wave.matching("prod", Map.of("tier", "prod")).withMaxConcurrentFleets(3)
            .withApproval())
        .build();
    out.println("molt demo: patch wave, 12 in-memory fleets in 3 tiers on base v1 (dev-api and"
        + " stg-api through runtime jre-17), virtual time");
    Campaigns campaigns = Campaigns.builder(rebuild(platform)).engine(engine).time(time)
        .seed(options.seed()).listener((c, e) -> print(out, c, e, ended)).build();
    if (options.plan()) {
      out.print(campaigns.plan(campaign).toText());
      return 0;
    }
    out.println("base v2 arrives: waves canary -> dev -> staging -> prod, maxExposure=25% ("
        + campaign.exposureBudget() + " of " + campaign.totalCapacity() + " instances),"
        + " maxFailures=1");
    Campaign done = drive(campaigns.start(campaign), out);
    out.println(String.format(Locale.ROOT, "patch-wave: fleets=%d replaced=%d rolled_back=%d"
        + " halted=%b waves=%d peak_exposure=%.1f%% duration=%s", done.fleets().size(),
        done.count(FleetStatus.SUCCEEDED), done.count(FleetStatus.ROLLED_BACK),
        done.phase() != CampaignPhase.SUCCEEDED, campaign.waves().size(),
        done.peakExposurePercent(), Durations.text(done.elapsed())));
    return done.phase() == CampaignPhase.SUCCEEDED ? 0 : 1;
  }

  /** Waits for the end; a wave waiting for approval is approved, as the person on call would. */
  private static Campaign drive(CampaignHandle handle, PrintStream out) {
    while (true) {
      try {
        return handle.await();
      } catch (IllegalControlException waiting) {
        Campaign now = handle.current();
        out.println("wave " + now.waiting().orElseThrow().wave() + " waits for approval ("
            + now.waiting().orElseThrow().reason() + "): approved by the person on call");
        handle.approve();
      }
    }
  }

  private static void print(PrintStream out, Campaign c, CampaignEvent e,
      Map<String, Rollout> ended) {
    String at = "[" + Durations.text(Duration.between(c.startedAt(), e.at())) + "]";
    if (e.type() == CampaignEvent.Type.FLEET_ENDED) {
      FleetProgress f = c.fleet(e.fleet().orElseThrow()).orElseThrow();
      String rollout = f.rolloutId().map(ended::get).map(r -> r.id() + " " + r.strategy() + " "
          + r.from().map(Object::toString).orElse("") + "->" + r.to() + " in "
          + Durations.text(r.elapsed())).orElse("no rollout");
      out.printf("%-9s   fleet %-10s %-11s %s%s%n", at, f.fleet(), f.status(), rollout,
          f.status() == FleetStatus.SUCCEEDED ? "" : f.reason().map(r -> " (" + r + ")")
              .orElse(""));
    } else if (e.type() == CampaignEvent.Type.WAVE_ENDED) {
      out.printf("%-9s wave %-8s ended: %s%n", at, e.wave().orElseThrow(), e.detail());
    }
  }

  private static RolloutSpec deploy(RolloutEngine engine, Declared d) {
    Image app = image("app-" + d.name(), d.name() + "-1")
        .withBase(d.viaRuntime() ? RUNTIME_V1 : BASE_V1);
    LaunchSpec spec = LaunchSpec.builder(app).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health")).build();
    RolloutSpec rollout = RolloutSpec.builder(d.name()).capacity(d.capacity()).target(spec)
        .strategy(strategy(d.name())).progressDeadline(Duration.ofMinutes(10)).build();
    engine.run(rollout);
    return rollout;
  }

  /** Each fleet keeps its own strategy: web canaries, api blue-green, the rest rolling. */
  private static Strategy strategy(String fleet) {
    if (fleet.endsWith("-web")) {
      return Canary.of(setWeight(25), pause(Duration.ofMinutes(2)), setWeight(100));
    }
    if (fleet.endsWith("-api")) {
      return BlueGreen.defaults().withScaleDownDelay(Duration.ofMinutes(1));
    }
    return RollingUpdate.of(Amount.of(1), Amount.of(0)).withMinReadyTime(Duration.ofSeconds(30))
        .withHealthyDeadline(Duration.ofMinutes(2)).withMaxReplacements(1);
  }

  /** The pipeline: rebuilds the image chain on the new base; one fleet's build is broken. */
  private static ImageRebuild rebuild(InMemoryProvider platform) {
    return (fleet, current, change) -> {
      Image app = current.image();
      Image base = app.base().orElseThrow();
      Image newBase = base.reference().equals(change.from().reference()) ? change.to()
          : image(base.reference() + change.to().reference(), base.version() + "+"
              + change.to().version()).withBase(change.to());
      LaunchSpec next = current.withImage(image(app.reference() + change.to().reference(),
          app.version() + "+" + change.to().version()).withBase(newBase));
      if (fleet.equals(BROKEN)) {
        platform.script(next.revision(), InstanceBehavior.defaults().neverHealthy());
      }
      return next;
    };
  }

  private static Image image(String seed, String version) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(
          StandardCharsets.UTF_8));
      return Image.of("registry.example/app@sha256:" + HexFormat.of().formatHex(d), version);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
