package dev.molt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./demo --provider docker} end to end on the real engine and a real HAProxy: 5 containers
 * rolled from v1 to v2 under continuous requests, none failing, everything it started removed, and
 * the summary as the last line; and {@code --scenario reconcile}: a daemon restart healed by
 * continuous reconcile.
 */
class DockerDemoIT {
  private static final Pattern TRAFFIC =
      Pattern.compile("traffic: (\\d+) requests, (\\d+) failed \\(answers .*\\)");

  @Test
  void theDockerDemoRollsFiveContainersWithoutAFailedRequestAndEndsWithItsSummary() {
    List<String> lines = DemoTest.run("--provider", "docker");

    Matcher traffic = lines.stream().map(TRAFFIC::matcher).filter(Matcher::matches).findFirst()
        .orElseThrow(() -> new AssertionError("no traffic line in " + lines));
    assertThat(Integer.parseInt(traffic.group(1))).as("requests sent").isPositive();
    assertThat(Integer.parseInt(traffic.group(2))).as("failed requests").isZero();
    assertThat(lines).anyMatch(l -> l.startsWith("cleaned up: containers of fleet web removed"));
    assertThat(lines.get(lines.size() - 1)).matches(DemoTest.summary(5));
  }

  /** Issue 18, item 3: the Docker demo's continuous-reconcile mode heals a daemon restart. */
  @Test
  void theDockerReconcileDemoHealsADaemonRestartWithEveryContainerReplaced() {
    List<String> lines = DemoTest.run("--provider", "docker", "--scenario", "reconcile");

    assertThat(lines).anyMatch(l -> l.startsWith("restarting the Docker daemon"));
    assertThat(lines).contains("daemon back: 5 of 5 containers stopped by the restart, none"
        + " restarted in place (no restart policy)");
    assertThat(lines).anyMatch(l -> l.startsWith("healed: 5 new containers by continuous"
        + " reconcile, HAProxy answers 200 again"));
    assertThat(lines).anyMatch(l -> l.startsWith("cleaned up: containers of fleet web removed"));
    assertThat(lines.get(lines.size() - 1)).matches("reconcile healed fleet web: 5/5 containers"
        + " replaced after a daemon restart in \\d+ ms \\(wall \\d+ ms\\)");
  }
}
