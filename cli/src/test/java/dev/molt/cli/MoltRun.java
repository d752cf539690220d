package dev.molt.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One {@code molt} command line run in this JVM, as {@code ./molt} runs it, with what it printed.
 *
 * @param code the exit status
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
record MoltRun(int code, String out, String err) {
  /** The demo's last line (examples DemoTest), for any phase; times in Durations.text form. */
  static final String SUMMARY = "rollout ro-[0-9a-f]{8} %s: \\d+/%s instances on r-[0-9a-f]+ in"
      + " (\\d+ms|\\d+(\\.\\d+)?s|\\d+m\\d{2}s|\\d+h\\d{2}m\\d{2}s) \\(wall \\d+ ms\\)";

  static MoltRun molt(String... args) {
    // no usable home: a test that forgot --store fails instead of writing a shared ~/.molt
    return run(false, Map.of("HOME", "/nonexistent/molt-test-home"), args);
  }

  static MoltRun run(boolean interactive, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Terminal terminal = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, interactive);
    int code = Molt.execute(List.of(args), terminal);
    return new MoltRun(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  static String summary(String phase, int capacity) {
    return summary(phase, Integer.toString(capacity));
  }

  static String summary(String phase, String capacity) {
    return String.format(SUMMARY, phase, capacity);
  }

  List<String> lines() {
    return out.lines().toList();
  }

  String lastLine() {
    List<String> lines = lines();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
