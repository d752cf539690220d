package dev.molt.cli;

import static dev.molt.cli.MoltRun.molt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.LaunchSpec;
import dev.molt.campaign.BaseChange;
import dev.molt.campaign.Campaign;
import dev.molt.campaign.CampaignFleet;
import dev.molt.campaign.CampaignHandle;
import dev.molt.campaign.CampaignPhase;
import dev.molt.campaign.CampaignSpec;
import dev.molt.campaign.Campaigns;
import dev.molt.campaign.Wave;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.RolloutSpec;
import dev.molt.store.FileRolloutStore;
import dev.molt.testkit.FakeImageRebuild;
import dev.molt.testkit.SimulatedPlatform;
import dev.molt.time.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code molt campaign}: a campaign driven by another process (here: this JVM, in real time, on
 * the file store) is listed, shown and steered from the command line through the store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MoltCampaignCommandTest {
  private static final Duration MS_50 = Duration.ofMillis(50);
  private static final BaseChange CHANGE = new BaseChange(
      SimulatedPlatform.spec("base-v1").image(), SimulatedPlatform.spec("base-v2").image());

  @TempDir Path dir;
  private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);
  private final Scheduler scheduler = Scheduler.of(threads);
  private final Clock clock = Clock.systemUTC();
  private RolloutEngine engine;

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
    threads.shutdownNow();
  }

  private String store() {
    return dir.resolve("store").toString();
  }

  /** Deploys two fleets on base v1; the prod wave waits for approval. */
  private CampaignSpec deployed(FileRolloutStore store) {
    InMemoryProvider platform = InMemoryProvider.builder(clock, scheduler)
        .defaultBehavior(InstanceBehavior.healthy(MS_50, MS_50).withDrainTime(MS_50)).build();
    engine = RolloutEngine.builder(platform).clock(clock).scheduler(scheduler)
        .pollInterval(MS_50).store(store).identity("engine-1").build();
    CampaignSpec.Builder b = CampaignSpec.builder("base-v2", CHANGE);
    for (String name : List.of("dev-web", "prod-web")) {
      LaunchSpec app = SimulatedPlatform.spec(name + "-1");
      RolloutSpec spec = RolloutSpec.builder(name).capacity(2)
          .target(app.withImage(app.image().withBase(CHANGE.from()))).build();
      assertThat(engine.start(spec).completion().join().phase())
          .isEqualTo(RolloutPhase.SUCCEEDED);
      b.fleet(CampaignFleet.of(spec, Map.of("tier", name.substring(0, name.indexOf('-')))));
    }
    return b.wave(Wave.matching("dev", Map.of("tier", "dev")))
        .wave(Wave.matching("prod", Map.of("tier", "prod")).withApproval()).build();
  }

  private Campaigns campaigns(FileRolloutStore store) {
    return Campaigns.builder(FakeImageRebuild.create()).engine(engine).clock(clock)
        .scheduler(scheduler).store(store).identity("deployer-1")
        .pollInterval(Duration.ofMillis(100)).build();
  }

  private static void untilApproval(CampaignHandle h) {
    assertThat(Waiting.until(() -> Optional.of(h.current()).filter(c -> c.stage()
        == Campaign.Stage.AWAITING_APPROVAL), Duration.ofSeconds(20)))
        .as("the prod wave waits for approval").isPresent();
  }

  @Test
  void aRunningCampaignIsListedShownRefusedAndApprovedFromTheCommandLine() throws Exception {
    FileRolloutStore files = FileRolloutStore.open(dir.resolve("store"));
    CampaignSpec spec = deployed(files);
    CampaignHandle h = campaigns(files).start(spec);
    untilApproval(h);

    MoltRun list = molt("campaign", "list", "--store", store());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.lines()).singleElement().asString().startsWith(h.id() + " base-v2 RUNNING"
        + " wave 1 AWAITING_APPROVAL fleets=2 succeeded=1");

    MoltRun status = molt("campaign", "status", "base-v2", "--store", store());
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("waiting AWAITING_APPROVAL")
        .containsPattern("  dev +dev-web +SUCCEEDED +r-[0-9a-f]+ -> r-[0-9a-f]+ \\(ro-")
        .containsPattern("  prod +prod-web +PENDING +r-[0-9a-f]+\\n");

    MoltRun resume = molt("campaign", "resume", h.id(), "--store", store());
    assertThat(resume.code()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(resume.err()).startsWith("molt: resume of campaign " + h.id() + " refused by"
        + " deployer-1").contains("resume() is valid only after pause()");

    MoltRun approve = molt("campaign", "approve", "base-v2", "--store", store());
    assertThat(approve.code()).as(approve.err()).isZero();
    assertThat(approve.out()).startsWith("molt: approve applied to campaign " + h.id()
        + " (base-v2) by deployer-1");

    Campaign done = h.completion().get(30, TimeUnit.SECONDS);
    assertThat(done.phase()).isEqualTo(CampaignPhase.SUCCEEDED);
    assertThat(done.answers()).hasSize(2);
    MoltRun late = molt("campaign", "approve", h.id(), "--store", store());
    assertThat(late.code()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(late.err()).contains("ended SUCCEEDED: nothing to approve");
    assertThat(molt("campaign", "list", "--store", store()).out())
        .startsWith("no campaign is running");
    MoltRun missing = molt("campaign", "status", "base-v9", "--store", store());
    assertThat(missing.code()).isEqualTo(ExitCode.NOT_FOUND.code());
    assertThat(missing.err()).contains("no campaign base-v9 in the store");
  }

  @Test
  void aCampaignNoProcessDrivesLeavesTheRequestUnansweredAndSaysSo() {
    FileRolloutStore files = FileRolloutStore.open(dir.resolve("store"));
    CampaignSpec spec = deployed(files);
    Campaigns first = campaigns(files);
    CampaignHandle h = first.start(spec);
    untilApproval(h);
    first.shutdownNow(); // the driving process died

    MoltRun pause = molt("campaign", "pause", "base-v2", "--wait", "300ms", "--store", store());

    assertThat(pause.code()).isEqualTo(ExitCode.NO_ANSWER.code());
    assertThat(pause.err()).contains("no process answered the pause of campaign " + h.id()
        + " within 300ms; the request waits in the store until a process drives the campaign");
    assertThat(files.requests(h.id())).singleElement().satisfies(r -> assertThat(r.control())
        .isEqualTo(dev.molt.store.ControlRequest.Control.PAUSE));
    MoltRun none = molt("campaign");
    assertThat(none.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(none.err()).contains("a subcommand is needed: list, status, pause, resume,"
        + " approve or abort");
  }
}
