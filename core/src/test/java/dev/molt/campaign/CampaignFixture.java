package dev.molt.campaign;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutListener;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutStore;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fleets on base v1 in virtual time, deployed and healthy, and a rebuild that puts each image on
 * base v2 (fleets named in {@code broken} get an image that never becomes healthy).
 */
final class CampaignFixture {
  static final Image BASE_V1 = Image.of(digest("base-v1"), "base-v1");
  static final Image BASE_V2 = Image.of(digest("base-v2"), "base-v2");
  static final Image RUNTIME_V1 = Image.of(digest("runtime-v1"), "runtime-v1").withBase(BASE_V1);
  static final BaseChange CHANGE = new BaseChange(BASE_V1, BASE_V2);

  final VirtualTime time = VirtualTime.create();
  final InMemoryProvider platform;
  final RolloutEngine engine;
  final List<CampaignFleet> fleets = new ArrayList<>();
  final Set<String> broken = ConcurrentHashMap.newKeySet();
  final List<String> rebuilt = new java.util.concurrent.CopyOnWriteArrayList<>();

  final RolloutStore store;

  CampaignFixture(RolloutListener... listeners) {
    this(new InMemoryRolloutStore(), listeners);
  }

  CampaignFixture(RolloutStore store, RolloutListener... listeners) {
    this.store = store;
    platform = InMemoryProvider.builder(time)
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofSeconds(20), Duration.ofSeconds(10)))
        .build();
    engine = newEngine("engine-1", 3, listeners);
  }

  /** @return another engine on the same platform, time and store, as a restarted process has */
  RolloutEngine newEngine(String identity, long seed, RolloutListener... listeners) {
    RolloutEngine.Builder b = RolloutEngine.builder(platform).time(time).seed(seed)
        .pollInterval(Duration.ofSeconds(5)).store(store).identity(identity);
    for (RolloutListener l : listeners) {
      b.listener(l);
    }
    return b.build();
  }

  /** Declares and deploys a fleet of {@code capacity} on an app image built on base v1. */
  CampaignFleet fleet(String name, int capacity, Map<String, String> labels, boolean viaRuntime) {
    Image app = Image.of(digest("app-" + name), name + "-1").withBase(viaRuntime ? RUNTIME_V1
        : BASE_V1);
    LaunchSpec spec = LaunchSpec.builder(app).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health")).build();
    RolloutSpec rollout = RolloutSpec.builder(name).capacity(capacity).target(spec)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))
            .withHealthyDeadline(Duration.ofMinutes(2)).withMaxReplacements(1))
        .progressDeadline(Duration.ofMinutes(10)).build();
    if (engine.run(rollout).phase() != RolloutPhase.SUCCEEDED) {
      throw new AssertionError("deploying " + name + " failed");
    }
    CampaignFleet f = CampaignFleet.of(rollout, labels);
    fleets.add(f);
    return f;
  }

  ImageRebuild rebuild() {
    return (fleet, current, change) -> {
      rebuilt.add(fleet);
      Image image = new Image(digest(current.image().reference() + change.to().reference()),
          current.image().version() + "+" + change.to().version(), Map.of(),
          Optional.of(change.to()), Optional.empty());
      LaunchSpec next = current.withImage(image);
      if (broken.contains(fleet)) {
        platform.script(next.revision(), InstanceBehavior.defaults().neverHealthy());
      }
      return next;
    };
  }

  Campaigns campaigns(CampaignListener... listeners) {
    Campaigns.Builder b = Campaigns.builder(rebuild()).engine(engine).time(time).seed(5);
    for (CampaignListener l : listeners) {
      b.listener(l);
    }
    return b.build();
  }

  static String digest(String seed) {
    byte[] d;
    try {
      d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return "registry.example/app@sha256:" + HexFormat.of().formatHex(d);
  }
}
