package dev.molt.timeline;

import java.util.Locale;

/**
 * A small writer of SVG text: elements with attributes given as name-value pairs, every value and
 * text escaped for XML, numbers written with at most one decimal in the root locale so the same
 * picture is always the same text. Not thread-safe; one per picture.
 */
final class Svg {
  private final StringBuilder out = new StringBuilder();
  private int depth;

  /** Opens {@code name} with {@code attributes} (name, value, name, value...). */
  Svg open(String name, Object... attributes) {
    indent().append('<').append(name);
    attributes(attributes);
    out.append(">\n");
    depth++;
    return this;
  }

  /** Closes {@code name}. */
  Svg close(String name) {
    depth--;
    indent().append("</").append(name).append(">\n");
    return this;
  }

  /** An empty element. */
  Svg empty(String name, Object... attributes) {
    indent().append('<').append(name);
    attributes(attributes);
    out.append("/>\n");
    return this;
  }

  /** An element holding only {@code text}. */
  Svg text(String name, String text, Object... attributes) {
    indent().append('<').append(name);
    attributes(attributes);
    out.append('>').append(escape(text)).append("</").append(name).append(">\n");
    return this;
  }

  /** An element holding a {@code <title>} (the tooltip a browser shows) and nothing else. */
  Svg titled(String name, String title, Object... attributes) {
    indent().append('<').append(name);
    attributes(attributes);
    out.append("><title>").append(escape(title)).append("</title></").append(name)
        .append(">\n");
    return this;
  }

  /** Raw text, already valid in place (a style sheet of constant text). */
  Svg raw(String text) {
    out.append(text);
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** @return {@code v} with at most one decimal, no trailing {@code .0} */
  static String num(double v) {
    double r = Math.round(v * 10) / 10.0;
    if (r == Math.rint(r)) {
      return Long.toString((long) r);
    }
    return String.format(Locale.ROOT, "%.1f", r);
  }

  /**
   * @return {@code text} safe inside an XML attribute or element: markup characters escaped,
   *     characters XML cannot hold dropped
   */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            if (!Character.isSurrogate(c) || validSurrogate(text, i)) {
              b.append(c);
            }
          }
        }
      }
    }
    return b.toString();
  }

  private static boolean validSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }

  private void attributes(Object[] attributes) {
    if (attributes.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name-value pairs");
    }
    for (int i = 0; i < attributes.length; i += 2) {
      Object v = attributes[i + 1];
      String text = v instanceof Double d ? num(d) : String.valueOf(v);
      out.append(' ').append(attributes[i]).append("=\"").append(escape(text)).append('"');
    }
  }

  private StringBuilder indent() {
    return out.append("  ".repeat(Math.max(0, depth)));
  }
}
