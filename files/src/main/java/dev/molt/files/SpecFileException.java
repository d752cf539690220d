package dev.molt.files;

import dev.molt.MoltException;

/**
 * A rollout file could not be read or written: it is not valid YAML or JSON, a key is unknown,
 * a value has the wrong type, a required field is missing, a core spec rejected a value, or the
 * file could not be opened. The message has the form {@code file:line:column path: problem}, for
 * example {@code rollout.yaml:14:7 strategy.steps[2].setWeight: must be in 0..100, was 150}.
 * Nothing is launched from a file that throws this.
 */
public final class SpecFileException extends MoltException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final int line;
  private final int column;
  private final String path;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param file the file's name as given to the reader
   * @param line the 1-based line, or 0 when the problem has no place in the file (I/O)
   * @param column the 1-based column, or 0 with line 0
   * @param path the field path, such as {@code strategy.steps[2].setWeight}; empty for the
   *     document itself
   * @param problem what is wrong and how to fix it
   * @param cause the underlying failure, or null
   */
  public SpecFileException(String file, int line, int column, String path, String problem,
      Throwable cause) {
    super(format(file, line, column, path, problem), cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.path = path;
    this.problem = problem;
  }

  private static String format(String file, int line, int column, String path, String problem) {
    String place = line > 0 ? file + ":" + line + ":" + column : file;
    return place + " " + (path.isEmpty() ? "" : path + ": ") + problem;
  }

  /** @return the file's name as given to the reader */
  public String file() {
    return file;
  }

  /** @return the 1-based line of the offending value or key, or 0 when there is none */
  public int line() {
    return line;
  }

  /** @return the 1-based column of the offending value or key, or 0 when there is none */
  public int column() {
    return column;
  }

  /** @return the field path, such as {@code strategy.steps[2].setWeight}; empty for the root */
  public String path() {
    return path;
  }

  /** @return what is wrong and how to fix it, without the place */
  public String problem() {
    return problem;
  }
}
