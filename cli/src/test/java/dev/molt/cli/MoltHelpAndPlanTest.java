package dev.molt.cli;

import static dev.molt.cli.MoltRun.molt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.engine.RolloutPlan;
import dev.molt.files.SpecFiles;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.RollingUpdate;
import dev.molt.time.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --help} on every command, and {@code molt plan}. */
class MoltHelpAndPlanTest {

  @ParameterizedTest
  @ValueSource(strings = {"plan", "apply", "status", "history", "pause", "resume", "promote",
      "abort", "undo", "retry", "reconcile"})
  void everyCommandHasHelp(String command) {
    MoltRun run = molt(command, "--help");

    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: molt " + command).contains("-h, --help");
    assertThat(run.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"list", "status", "pause", "resume", "approve", "abort"})
  void everyCampaignCommandHasHelp(String command) {
    MoltRun run = molt("campaign", command, "--help");

    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: molt campaign " + command).contains("-h, --help",
        "--store");
    assertThat(run.err()).isEmpty();
    if (!command.equals("list")) {
      assertThat(run.out()).contains("<campaign>");
    }
  }

  @Test
  void theTopLevelHelpListsTheCommandsAndTheExitCodes() {
    MoltRun run = molt("--help");

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("Commands:", "  apply ", "  plan ", "  reconcile ",
        "  campaign ", "Exit codes:", "3   the rollout was ROLLED_BACK", "8   no engine answered the control");
  }

  @Test
  void planPrintsTheEnginesPlanOfTheFileAndNothingElse() {
    MoltRun run = molt("plan", "-f", "examples/rollouts/canary.yaml");

    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("plan: canary of fleet web (traffic router: exact weights)\n")
        .contains("analyze healthy x3", "pause until resumed",
            "peak 20 instances (+10 over desired 10), expected duration 28m10s")
        .doesNotContain("rollout ro-");
    // the stand-in fleet is said on stderr, so stdout is the plan's text alone
    assertThat(run.err()).startsWith("molt: simulated fleet web starts with 10 healthy");
    assertThat(run.out()).isEqualTo(planOfTheSameFleet());
  }

  /**
   * The engine's own plan of the file's spec for the fleet the simulation starts from (10
   * healthy instances of the stand-in revision): the command prints exactly its text.
   */
  private static String planOfTheSameFleet() {
    RolloutSpec spec = SpecFiles.create().readRollout(MoltApplyTest.EXAMPLES
        .resolve("canary.yaml")).spec();
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).build();
    try (RolloutEngine engine = RolloutEngine.builder(platform).time(time).build()) {
      LaunchSpec standIn = spec.target().withImage(Image.of("sha256:" + "0".repeat(64),
          "stand-in previous"));
      engine.run(spec.toBuilder().target(standIn).strategy(RollingUpdate.defaults()).build());
      RolloutPlan plan = engine.plan(spec);
      return plan.toText();
    }
  }
}
