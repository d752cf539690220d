package dev.molt.benchmarks.ha;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One {@link HaEngine} JVM, its output in a log file of its own. */
final class EngineProcess {
  private final String identity;
  private final Process process;
  private final Path log;

  private EngineProcess(String identity, Process process, Path log) {
    this.identity = identity;
    this.process = process;
    this.log = log;
  }

  /** Starts an engine JVM on this JVM's class path and waits (at most 60 s) until it runs. */
  static EngineProcess start(String identity, Path work, List<String> args) {
    Path log = work.resolve(identity + ".log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), HaEngine.class.getName()));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      EngineProcess e = new EngineProcess(identity, p, log);
      if (!HaSuite.waitFor(Duration.ofSeconds(60), () -> e.lines().stream()
          .anyMatch(l -> l.startsWith("ha-ready")) || !p.isAlive())) {
        throw new IllegalStateException(identity + " did not start within 60 s; see " + log);
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(identity + " exited at start; see " + log);
      }
      return e;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  String identity() {
    return identity;
  }

  private List<String> lines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** @return the {@code ha-event} lines it printed */
  List<String> events() {
    return lines().stream().filter(l -> l.startsWith("ha-event")).toList();
  }

  /** {@code kill -9}. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM: the engine closes and releases its leases; killed after 30 s. */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends {@code SIG<name>} (STOP, CONT). */
  void signal(String name) {
    try {
      Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
