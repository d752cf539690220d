package dev.molt.cli;

import static dev.molt.cli.MoltRun.molt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every problem is one line on stderr saying what to do, with its exit code; nothing runs. */
class MoltErrorsTest {
  @TempDir Path dir;

  Path badCanary() throws IOException {
    Path bad = dir.resolve("rollout.yaml");
    Files.writeString(bad, Files.readString(MoltApplyTest.EXAMPLES.resolve("canary.yaml"))
        .replace("- setWeight: 10\n", "- setWeight: 150\n"));
    return bad;
  }

  @Test
  void aBadFileGetsTheFilesModulesPlaceAndFieldAndLaunchesNothing() throws IOException {
    Path bad = badCanary();
    Path store = dir.resolve("store");

    MoltRun run = molt("apply", "-f", bad.toString(), "--real-time", "--store", store.toString());

    assertThat(run.code()).isEqualTo(ExitCode.BAD_INPUT.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("molt: " + bad + ":38:18 strategy.steps[0].setWeight: must"
        + " be in 0..100, was 150\n");
    // nothing was opened: no stand-in fleet, no rollout, not even the store's directory
    assertThat(run.out()).isEmpty();
    assertThat(store).doesNotExist();
  }

  @Test
  void aBadFileIsRefusedBeforeAnyPlatformIsOpened() throws IOException {
    // an engine on port 1 refuses every call: had the platform been used, this would be exit 4
    MoltRun run = molt("apply", "-f", badCanary().toString(), "--platform", "docker",
        "--docker-host", "tcp://127.0.0.1:1");

    assertThat(run.code()).isEqualTo(ExitCode.BAD_INPUT.code());
    assertThat(run.err()).contains(":38:18 strategy.steps[0].setWeight:").hasLineCount(1);
  }

  @Test
  void planRefusesABadFileTheSameWay() throws IOException {
    MoltRun run = molt("plan", "-f", badCanary().toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("setWeight: must be in 0..100, was 150").hasLineCount(1);
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "apply|2|molt: Missing required option: '--file=<file>' (molt apply --help shows the usage)",
      "apply -f nope.yaml|2|molt: nope.yaml: no such file (-f nope.yaml); give the path of a"
          + " rollout file, such as examples/rollouts/canary.yaml",
      "apply -f examples/rollouts/reconcile.yaml|2|molt: examples/rollouts/reconcile.yaml:1:1"
          + " kind: is Reconcile but a Rollout file was expected here",
      "apply -f examples/rollouts/canary.yaml --colour|2|molt: Unknown option: '--colour' (molt"
          + " apply --help shows the usage)",
      "apply -f examples/rollouts/canary.yaml --poll 0s|2|molt: Invalid value for option"
          + " '--poll': '0s' must be more than zero (molt apply --help shows the usage)",
      "apply -f examples/rollouts/canary.yaml --platform docker --simulate|2|molt: --simulate and"
          + " --platform docker contradict each other: give one of them",
      "apply -f examples/rollouts/canary.yaml --platform aws --real-time|2|molt: --real-time"
          + " applies to the simulation only; a real platform always runs on the wall clock:"
          + " drop --real-time",
      "apply -f examples/rollouts/canary.yaml --platform openstack|2|molt: Invalid value for"
          + " option '--platform': expected one of [SIMULATE, DOCKER, KUBERNETES, AWS] (case-"
          + "insensitive) but was 'openstack' (molt apply --help shows the usage)",
      "frobnicate|2|molt: Unmatched argument at index 0: 'frobnicate' (molt --help shows the"
          + " usage)",
      "|2|molt: a command is needed: molt --help lists them (plan, apply, status, history,"
          + " pause, resume, promote, abort, undo, retry, reconcile, timeline, campaign) (molt"
          + " --help shows the usage)",
      "reconcile -f examples/rollouts/canary.yaml|2|molt: examples/rollouts/canary.yaml:1:1 kind:"
          + " is Rollout but a Reconcile file was expected here",
      "apply -f examples/rollouts/canary.yaml --store jdbc:mysql://db/x --real-time|2|molt:"
          + " --store jdbc:mysql://db/x is not a PostgreSQL JDBC URL: give"
          + " jdbc:postgresql://host/db or a directory"})
  void problemsAreOneLineWithWhatToDo(String line, int code, String message) {
    String[] args = line == null ? new String[0] : line.split(" ");

    MoltRun run = molt(args);

    assertThat(run.code()).isEqualTo(code);
    assertThat(run.err()).isEqualTo(message + "\n");
  }

  @Test
  void theStoreCommandsSayWhenTheFleetIsUnknown() {
    String store = dir.resolve("store").toString();

    MoltRun status = molt("status", "web", "--store", store);
    MoltRun history = molt("history", "web", "--store", store);
    MoltRun pause = molt("pause", "web", "--store", store);
    MoltRun retry = molt("retry", "web", "--store", store);

    assertThat(status.code()).isEqualTo(ExitCode.NOT_FOUND.code()).isEqualTo(6);
    assertThat(status.err()).isEqualTo("molt: no rollout of fleet web in the store " + store
        + "; molt status lists the running ones (--store chooses another store)\n");
    assertThat(history.code()).isEqualTo(6);
    assertThat(pause.code()).isEqualTo(6);
    assertThat(pause.err()).startsWith("molt: no running rollout of fleet web in the store");
    assertThat(retry.code()).isEqualTo(6);
    assertThat(molt("status", "--store", store).out())
        .isEqualTo("no rollout is running (store " + store + ")\n");
  }
}
