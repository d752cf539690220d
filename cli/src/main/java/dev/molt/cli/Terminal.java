package dev.molt.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * Where a command prints and what it knows of its surroundings: stdout, stderr, the environment
 * variables it reads ({@code MOLT_STORE}, {@code HOME}, {@code USER}) and whether stdout is a
 * terminal (a live progress line) or not (one plain line per change).
 */
record Terminal(PrintStream out, PrintStream err, Map<String, String> env, boolean interactive) {

  Terminal {
    env = Map.copyOf(env);
  }

  /** @return the terminal's columns ({@code COLUMNS}, else 120) */
  int columns() {
    try {
      return Integer.parseInt(env("COLUMNS", "120").strip());
    } catch (NumberFormatException e) {
      return 120;
    }
  }

  String env(String name, String otherwise) {
    String value = env.get(name);
    return value == null || value.isBlank() ? otherwise : value;
  }
}
