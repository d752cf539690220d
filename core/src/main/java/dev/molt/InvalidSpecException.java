package dev.molt;

/**
 * A value or spec was rejected before anything was launched. {@link #field()} names the offending
 * field with its path (for example {@code rolling.maxSurge} or {@code target.image.reference}).
 */
public final class InvalidSpecException extends MoltException {
  private static final long serialVersionUID = 1L;
  private final String field;

  /**
   * Creates the exception.
   *
   * @param field the dotted path of the invalid field
   * @param problem what is wrong with it and how to fix it
   */
  public InvalidSpecException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /**
   * Returns the dotted path of the invalid field.
   *
   * @return the field path, never empty
   */
  public String field() {
    return field;
  }

  /**
   * Returns a copy of this exception whose field path is prefixed with {@code parent}, so a nested
   * record's error names its place in the enclosing spec.
   *
   * @param parent the name of the enclosing field
   * @return a new exception with the path {@code parent.field}
   */
  public InvalidSpecException within(String parent) {
    String problem = getMessage().substring(field.length() + 2);
    InvalidSpecException nested = new InvalidSpecException(parent + "." + field, problem);
    nested.setStackTrace(getStackTrace());
    return nested;
  }
}
