package dev.molt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A JVM killed (SIGKILL) while writing leaves a store that still reads, with a whole record. */
class FileRolloutStoreKillTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aWriterKilledMidWriteLeavesTheLastWholeRecord(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", childClassPath(),
        StoreWriterMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
    int lastSaved = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while (lastSaved < 40 && (line = out.readLine()) != null) {
        if (line.startsWith("saved ")) {
          lastSaved = Integer.parseInt(line.substring(6));
        }
      }
      // the child is now somewhere inside its next write: kill it there, without warning
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(lastSaved).as("the child wrote records before it was killed").isEqualTo(40);

    FileRolloutStore reopened = FileRolloutStore.open(dir);
    RolloutRecord survivor = reopened.load("ro-kill").orElseThrow();
    int events = survivor.rollout().history().size();
    assertThat((events - 500) / 10).isGreaterThanOrEqualTo(lastSaved);
    assertThat(survivor).isEqualTo(Records.record("ro-kill", "web", events,
        survivor.rollout().phase()));
    assertThat(reopened.unfinished()).containsExactly(survivor);
    assertThat(reopened.lease("web")).hasValueSatisfying(l ->
        assertThat(l.holder()).isEqualTo("child"));
  }

  /**
   * The test JVM runs core as a named module with these tests patched into it, so the child is
   * given everything on one class path: the class path, the module path and the test classes.
   */
  private static String childClassPath() throws Exception {
    return String.join(java.io.File.pathSeparator, System.getProperty("java.class.path", ""),
        System.getProperty("jdk.module.path", ""),
        Path.of(StoreWriterMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
  }
}
