package dev.molt.files;

import java.nio.file.Path;
import java.util.Locale;

/** The two notations of a rollout file. The content is the same; only the syntax differs. */
public enum Format {
  /** YAML 1.1 as Jackson's YAML module reads and writes it ({@code .yaml}, {@code .yml}). */
  YAML,
  /** JSON ({@code .json}). */
  JSON;

  /**
   * The format a file's name says.
   *
   * @param file a path ending in {@code .json}, {@code .yaml} or {@code .yml}
   * @return JSON for {@code .json}, otherwise YAML
   */
  public static Format of(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    return name.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
  }
}
