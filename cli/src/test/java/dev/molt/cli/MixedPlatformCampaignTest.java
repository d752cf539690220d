package dev.molt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.aws.AwsTestCloud;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignEvent;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignPhase;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.FleetProgress;
import dev.molt.campaign.FleetStatus;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.kubernetes.KubernetesTestCluster;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.spi.Provider;
import dev.molt.store.InMemoryRolloutStore;
import dev.molt.store.RolloutRecord;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import dev.molt.testkit.FakeImageRebuild;
import dev.molt.testkit.invariants.CampaignChecker;
import dev.molt.time.Scheduler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One patch-wave campaign over fleets on three platforms at once, each with its own engine and
 * store, all in real time with short durations (the Kubernetes mock API server and the fake EC2
 * run in real time): in-memory fleets, Kubernetes fleets on fabric8's mock API server with the
 * fake kubelet, EC2 fleets on the fake EC2 the SDK's real marshalling talks to, and a fleet of
 * the AWS provider's Auto Scaling mode (a group per revision) on the same fake. Base v2
 * replaces base v1 under every fleet's image (some built through a runtime image); one rebuilt
 * image, on Kubernetes, never gets ready.
 */
class MixedPlatformCampaignTest {
  private static final Duration MS_100 = Duration.ofMillis(100);
  private static final Image BASE_V1 = Image.of(ref("base", 1), "base-v1");
  private static final Image BASE_V2 = Image.of(ref("base", 2), "base-v2");
  private static final Image RUNTIME_V1 = Image.of(ref("runtime", 1), "runtime-v1")
      .withBase(BASE_V1);
  private static final BaseChange CHANGE = new BaseChange(BASE_V1, BASE_V2);
  private static final String MEMORY = "memory";
  private static final String KUBERNETES = "kubernetes";
  private static final String AWS = "aws";
  private static final String ASG = "asg";
  private static final String BROKEN = "kube-web";

  private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(4);
  private final Scheduler scheduler = Scheduler.of(threads);
  private final Clock clock = Clock.systemUTC();
  private final InMemoryProvider memory = InMemoryProvider.builder(clock, scheduler)
      .defaultBehavior(InstanceBehavior.healthy(Duration.ofMillis(50), MS_100)
          .withDrainTime(MS_100)).build();
  private final KubernetesTestCluster kube = KubernetesTestCluster.start(MS_100);
  private final AwsTestCloud aws = AwsTestCloud.start(MS_100, MS_100);
  private final Map<String, Provider> providers = Map.of(MEMORY, memory, KUBERNETES,
      kube.provider(), AWS, aws.provider(), ASG, aws.autoScalingProvider());
  private final Map<String, InMemoryRolloutStore> stores = Map.of(MEMORY,
      new InMemoryRolloutStore(), KUBERNETES, new InMemoryRolloutStore(), AWS,
      new InMemoryRolloutStore(), ASG, new InMemoryRolloutStore());
  private final Map<String, RolloutEngine> engines = new LinkedHashMap<>();
  private final List<CampaignFleet> fleets = new ArrayList<>();

  @AfterEach
  void tearDown() {
    engines.values().forEach(RolloutEngine::close);
    kube.close();
    aws.close();
    threads.shutdownNow();
  }

  @Test
  @Timeout(value = 50, unit = TimeUnit.SECONDS)
  void oneCampaignPatchesInMemoryKubernetesAndAwsFleetsEachThroughItsOwnEngine()
      throws Exception {
    fleet("mem-canary", MEMORY, "canary", image("mem-canary", BASE_V1));
    fleet("mem-web", MEMORY, "mixed", image("mem-web", RUNTIME_V1));
    fleet("kube-web", KUBERNETES, "mixed", image("kube-web", BASE_V1));
    fleet("aws-web", AWS, "mixed", Image.of("ami-0123456789abcdef0", "aws-web-1")
        .withBase(BASE_V1));
    fleet("mem-api", MEMORY, "rest", image("mem-api", BASE_V1));
    fleet("kube-api", KUBERNETES, "rest", image("kube-api", RUNTIME_V1));
    fleet("aws-api", AWS, "rest", Image.of("ami-0fedcba9876543210", "aws-api-1")
        .withBase(RUNTIME_V1));
    fleet("asg-api", ASG, "rest", Image.of("ami-0aaaabbbbccccdddd", "asg-api-1")
        .withBase(BASE_V1));
    CampaignSpec spec = spec();
    CampaignChecker checker = CampaignChecker.ofProviders(spec, providers);
    for (String platform : List.of(MEMORY, KUBERNETES, AWS, ASG)) {
      engines.put(platform, RolloutEngine.builder(providers.get(platform)).clock(clock)
          .scheduler(scheduler).pollInterval(MS_100).store(stores.get(platform))
          .identity("engine-" + platform).listener(checker).build());
    }
    deployOnV1();
    CampaignFleet broken = fleets.stream().filter(f -> f.name().equals(BROKEN)).findFirst()
        .orElseThrow();
    String brokenImage = FakeImageRebuild.rebuild(broken.rollout().target().image(), CHANGE)
        .reference();
    kube.failReadiness(p -> p.getSpec().getContainers().stream()
        .anyMatch(c -> brokenImage.equals(c.getImage())));
    FakeImageRebuild pipeline = FakeImageRebuild.create();
    Campaigns.Builder campaigns = Campaigns.builder(pipeline).clock(clock).scheduler(scheduler)
        .listener(checker).seed(7);
    engines.forEach(campaigns::engine);

    Campaign done = campaigns.build().start(spec).completion().get(40, TimeUnit.SECONDS);

    assertThat(done.phase()).as("%s", done).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.history()).filteredOn(e -> e.type() == CampaignEvent.Type.ENDED)
        .singleElement().extracting(CampaignEvent::detail).asString()
        .contains("replaced=7 rolled_back=1 failed=0");
    assertThat(pipeline.rebuilt().get(0)).isEqualTo("mem-canary");
    assertThat(pipeline.rebuilt().subList(1, 4))
        .containsExactlyInAnyOrder("mem-web", "kube-web", "aws-web");
    fleets.forEach(f -> assertEndedOnItsPlatform(done, f));
    assertThat(checker.violations()).isEmpty();
    assertThat(checker.checks()).isGreaterThan(50);
    assertThat(checker.peakServing()).isPositive().isLessThanOrEqualTo(spec.exposureBudget());
    assertThat(done.peakExposure()).isLessThanOrEqualTo(spec.exposureBudget());
    assertNothingForeignLeft();
  }

  /** 16 instances, budget 4 (30%): two fleets of 2 at once, whatever the waves allow. */
  private CampaignSpec spec() {
    CampaignSpec.Builder b = CampaignSpec.builder("base-v2", CHANGE);
    fleets.forEach(b::fleet);
    return b.wave(Wave.matching("canary", Map.of("wave", "canary"))
            .withBake(Duration.ofMillis(200)))
        .wave(Wave.matching("mixed", Map.of("wave", "mixed")).withMaxConcurrentFleets(2)
            .withBake(Duration.ofMillis(200)))
        .wave(Wave.matching("rest", Map.of("wave", "rest")).withMaxConcurrentFleets(3))
        .maxExposure(30).maxFailures(Amount.of(1)).build();
  }

  /**
   * Fails unless the fleet ended as it should (the broken one rolled back to its old revision, the
   * others on their rebuilt one), on its platform, with its rollout's record in its engine's store
   * only.
   */
  private void assertEndedOnItsPlatform(Campaign done, CampaignFleet f) {
    FleetProgress p = done.fleet(f.name()).orElseThrow();
    Revision expected = f.name().equals(BROKEN) ? f.rollout().target().revision()
        : p.target().orElseThrow();
    assertThat(p.status()).as(f.name())
        .isEqualTo(f.name().equals(BROKEN) ? FleetStatus.ROLLED_BACK : FleetStatus.SUCCEEDED);
    assertOnlyRevision(f, expected);
    RolloutRecord record = stores.get(f.engine()).load(p.rolloutId().orElseThrow())
        .orElseThrow();
    assertThat(record.rollout().fleet()).isEqualTo(f.name());
    assertThat(record.rollout().to()).isEqualTo(p.target().orElseThrow());
    assertThat(record.rollout().phase()).as(f.name()).isEqualTo(f.name().equals(BROKEN)
        ? RolloutPhase.ROLLED_BACK : RolloutPhase.SUCCEEDED);
    stores.entrySet().stream().filter(e -> !e.getKey().equals(f.engine())).forEach(e ->
        assertThat(e.getValue().load(p.rolloutId().orElseThrow())).as("%s in %s's store",
            f.name(), e.getKey()).isEmpty());
  }

  private void fleet(String name, String engine, String wave, Image image) {
    LaunchSpec.Builder spec = LaunchSpec.builder(image).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health"));
    LaunchSpec target = (engine.equals(ASG) ? spec.option("aws.subnetIds", "subnet-a,subnet-b")
        : spec).build();
    RolloutSpec rollout = RolloutSpec.builder(name).capacity(2).target(target)
        .strategy(RollingUpdate.of(Amount.of(1), Amount.of(0))
            .withHealthyDeadline(Duration.ofSeconds(2)).withMaxReplacements(1))
        .drainTimeout(Duration.ofSeconds(2)).progressDeadline(Duration.ofSeconds(20)).build();
    fleets.add(new CampaignFleet(rollout, Map.of("wave", wave), engine));
  }

  private void deployOnV1() {
    for (CampaignFleet f : fleets) {
      assertThat(engines.get(f.engine()).run(f.rollout()).phase()).as("deploying %s", f.name())
          .isEqualTo(RolloutPhase.SUCCEEDED);
    }
  }

  /** Reads each platform's ground truth: the provider's own state, not the engine's view. */
  private void assertOnlyRevision(CampaignFleet f, Revision revision) {
    switch (f.engine()) {
      case MEMORY -> assertThat(memory.instances(f.name())).as(f.name()).hasSize(2)
          .allMatch(i -> i.revision().equals(revision) && i.isHealthy());
      case KUBERNETES -> {
        assertThat(kube.pods(f.name())).as(f.name()).hasSize(2).allSatisfy(pod -> {
          assertThat(pod.getMetadata().getLabels())
              .containsEntry(OwnerLabels.REVISION, revision.id());
          assertThat(KubernetesTestCluster.ready(pod)).isTrue();
        });
        assertThat(kube.replicaSets()).filteredOn(rs -> f.name().equals(
            rs.getMetadata().getLabels().get(OwnerLabels.FLEET))).as(f.name()).singleElement()
            .satisfies(rs -> assertThat(rs.getMetadata().getLabels())
                .containsEntry(OwnerLabels.REVISION, revision.id()));
      }
      case AWS, ASG -> assertThat(aws.liveIds()).filteredOn(id -> f.name().equals(
          aws.tags(id).get(OwnerLabels.FLEET))).as(f.name()).hasSize(2).allSatisfy(id -> {
            assertThat(aws.tags(id)).containsEntry(OwnerLabels.REVISION, revision.id());
            assertThat(aws.running(id)).isTrue();
          });
      default -> throw new AssertionError("no platform " + f.engine());
    }
  }

  /** Every pod, ReplicaSet and instance left is one of the fleets', and Molt's. */
  private void assertNothingForeignLeft() {
    List<String> kubeFleets = fleets.stream().filter(f -> f.engine().equals(KUBERNETES))
        .map(CampaignFleet::name).toList();
    assertThat(kube.pods()).hasSize(2 * kubeFleets.size()).allSatisfy(p -> owned(p));
    assertThat(kube.replicaSets()).hasSize(kubeFleets.size()).allSatisfy(rs -> owned(rs));
    assertThat(aws.liveIds()).hasSize(6).allSatisfy(id -> assertThat(aws.tags(id))
        .containsEntry(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER));
    List<String> awsImages = aws.liveIds().stream().map(aws::imageId).distinct().toList();
    assertThat(awsImages).hasSize(3).allMatch(ami -> ami.matches("ami-[0-9a-f]{17}"));
    // the Auto Scaling fleet's old revision's group was deleted with its revision
    assertThat(aws.groupNames()).singleElement().asString().startsWith("molt-asg-api-r-");
  }

  private static void owned(Pod pod) {
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER);
  }

  private static void owned(ReplicaSet rs) {
    assertThat(rs.getMetadata().getLabels())
        .containsEntry(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER);
  }

  private static Image image(String fleet, Image base) {
    return Image.of(ref(fleet, 1), fleet + "-1").withBase(base);
  }

  private static String ref(String repo, int n) {
    return "registry.example/" + repo + "@sha256:" + String.valueOf(n).repeat(64);
  }
}
