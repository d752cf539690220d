package dev.molt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.rollout.RolloutPhase;
import dev.molt.rollout.Wait;
import dev.molt.store.FileRolloutStore;
import dev.molt.store.RolloutRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code molt pause web} in one JVM pauses the rollout {@code molt apply} runs in another, through
 * a file store: each command is a real process, started as {@code ./molt} starts it.
 */
class MoltTwoProcessTest {
  static final Duration DEADLINE = Duration.ofSeconds(90);
  static final String SLOW_CANARY = """
      apiVersion: molt.dev/v1
      kind: Rollout
      fleet: web
      capacity: 3
      target:
        image:
          reference: registry.example/web@sha256:2222222222222222222222222222222222222222222222222222222222222222
          version: v2
        ports:
          - 8080
        healthCheck:
          type: http
          port: 8080
          path: /health
      strategy:
        type: canary
        steps:
          - setWeight: 50
          - pause: 1h
          - setWeight: 100
      """;

  @TempDir Path dir;
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopWhatIsLeft() {
    started.forEach(Process::destroyForcibly);
  }

  record Ended(int code, String out, String err) {}

  Process start(String name, String... args) throws IOException {
    return startWithout(List.of("MOLT_STORE"), name, args);
  }

  Ended run(String name, String... args) throws Exception {
    Process p = start(name, args);
    assertThat(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as(name + " ended").isTrue();
    return new Ended(p.exitValue(), out(name), Files.readString(dir.resolve(name + ".err")));
  }

  String out(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".out"));
  }

  static Optional<RolloutRecord> running(FileRolloutStore store) {
    return store.unfinished().stream().filter(r -> r.fleet().equals("web")).findFirst();
  }

  static boolean waits(FileRolloutStore store, Wait.Reason reason) {
    return running(store).flatMap(r -> r.rollout().waiting())
        .filter(w -> w.reason() == reason).isPresent();
  }

  @Test
  void aSecondProcessPausesResumesAndPromotesTheRolloutTheFirstRuns() throws Exception {
    Path file = dir.resolve("slow.yaml");
    Files.writeString(file, SLOW_CANARY);
    String store = dir.resolve("store").toString();
    Process first = start("apply", "apply", "-f", file.toString(), "--real-time",
        "--sim-launch", "100ms", "--sim-ready", "100ms", "--poll", "200ms", "--store", store);
    FileRolloutStore records = FileRolloutStore.open(Path.of(store));
    await().atMost(DEADLINE).until(() -> waits(records, Wait.Reason.TIMED_PAUSE));

    Ended pause = run("pause", "pause", "web", "--store", store);

    assertThat(pause.code()).as(pause.err()).isZero();
    assertThat(pause.out()).startsWith("molt: pause applied to rollout ro-").contains(
        " of fleet web by molt-", "PAUSED step 1/4 (waiting PAUSED_BY_PERSON");
    assertThat(running(records)).hasValueSatisfying(r ->
        assertThat(r.rollout().phase()).isEqualTo(RolloutPhase.PAUSED));
    await().atMost(DEADLINE).until(() -> out("apply").contains("phase=PAUSED"));
    assertThat(first.isAlive()).isTrue();
    assertThat(run("status", "status", "web", "--store", store).out())
        .contains("PAUSED step 1/4", "driven by molt-");

    Ended refused = run("promote-refused", "promote", "web", "--store", store);
    assertThat(refused.code()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(refused.err()).startsWith("molt: promote of rollout ro-").contains(
        "resume() or abort() are valid").hasLineCount(1);

    assertThat(run("resume", "resume", "web", "--store", store).code()).isZero();
    await().atMost(DEADLINE).until(() -> waits(records, Wait.Reason.TIMED_PAUSE));
    Ended promote = run("promote", "promote", "web", "--store", store);
    assertThat(promote.code()).as(promote.err()).isZero();

    // the promote skipped the hour's pause: the first process ends with the summary line
    assertThat(first.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isZero();
    List<String> lines = out("apply").lines().toList();
    assertThat(lines.get(lines.size() - 1)).matches(MoltRun.summary("SUCCEEDED", 3));
    assertThat(run("history", "history", "web", "--store", store).out())
        .contains("web canary", " SUCCEEDED step 4/4");
  }

  @Test
  void anAbortFromASecondProcessRollsBackWithItsExitCode() throws Exception {
    Path file = dir.resolve("slow.yaml");
    Files.writeString(file, SLOW_CANARY);
    String store = dir.resolve("store").toString();
    Process first = start("apply", "apply", "-f", file.toString(), "--real-time",
        "--sim-launch", "100ms", "--sim-ready", "100ms", "--poll", "200ms", "--store", store);
    FileRolloutStore records = FileRolloutStore.open(Path.of(store));
    await().atMost(DEADLINE).until(() -> waits(records, Wait.Reason.TIMED_PAUSE));

    Ended abort = run("abort", "abort", "web", "--reason", "bad build", "--store", store);

    assertThat(abort.code()).as(abort.err()).isZero();
    assertThat(first.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(ExitCode.ROLLED_BACK.code());
    List<String> lines = out("apply").lines().toList();
    assertThat(lines.get(lines.size() - 1)).matches(MoltRun.summary("ROLLED_BACK", 3));
    assertThat(lines.get(lines.size() - 2)).contains("(aborted: bad build)");
  }

  @Test
  void aPlatformThatCannotBeConfiguredFailsInOneLine() throws Exception {
    Process p = startWithout(List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
        "AWS_CONFIG_FILE"), "aws", "apply", "-f", "examples/rollouts/canary.yaml", "--platform",
        "aws");
    assertThat(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isEqualTo(ExitCode.UNAVAILABLE.code());
    assertThat(Files.readString(dir.resolve("aws.err"))).isEqualTo("molt: no AWS region is"
        + " configured: give --region us-east-1 (or set AWS_REGION, or a region in the AWS"
        + " profile)\n");
    assertThat(out("aws")).isEmpty();
  }

  /** Starts {@code molt args} as {@code ./molt} does, HOME in the test's directory. */
  private Process startWithout(List<String> unset, String name, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Molt.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile());
    unset.forEach(pb.environment()::remove);
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    Process p = pb.start();
    started.add(p);
    return p;
  }
}
