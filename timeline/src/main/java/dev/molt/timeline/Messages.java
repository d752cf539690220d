package dev.molt.timeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the {@code key=value} text of the engine's event messages: {@code step=1
 * done=set-weight-10% next=2}, {@code phase=PAUSED wait=UNTIMED_PAUSE reason="canary step 2: pause"}. A value runs to
 * the next space, or, when it starts with a quote, to the closing quote. Words without {@code =}
 * (the {@code traffic:} prefix) are skipped. Pure functions.
 */
final class Messages {
  private Messages() {}

  /**
   * @param message an event message
   * @return its keys and values, in order; a repeated key keeps its first value
   */
  static Map<String, String> keyValues(String message) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = message.length();
    while (i < n) {
      while (i < n && message.charAt(i) == ' ') {
        i++;
      }
      int wordStart = i;
      while (i < n && message.charAt(i) != ' ' && message.charAt(i) != '=') {
        i++;
      }
      if (i >= n || message.charAt(i) != '=') {
        continue; // a bare word: skipped
      }
      String key = message.substring(wordStart, i);
      i++; // '='
      String value;
      if (i < n && message.charAt(i) == '"') {
        int close = closingQuote(message, i);
        int end = close < 0 ? n : close;
        value = message.substring(i + 1, end);
        i = close < 0 ? n : close + 1;
      } else {
        int end = message.indexOf(' ', i);
        end = end < 0 ? n : end;
        value = message.substring(i, end);
        i = end;
      }
      if (!key.isEmpty()) {
        out.putIfAbsent(key, value);
      }
    }
    return out;
  }

  /**
   * The quote that closes the one at {@code open}. The engine does not escape quotes inside a
   * quoted value, so a value may hold a quoted value of its own ({@code reason="analysis failed:
   * last="p99=2.1s""}, a reason quoting an analysis summary) or a quoted word ({@code
   * reason="gate "fast" failed"}): a quote right after {@code =} opens a nested value, and only a
   * quote followed by a space, another quote or the end closes one; any other quote is text. (A
   * quoted word followed by a space, {@code "gate "fast" failed"}, still ends the value early.)
   *
   * @return its index, or -1 if it is not closed
   */
  private static int closingQuote(String message, int open) {
    int depth = 1;
    for (int j = open + 1; j < message.length(); j++) {
      if (message.charAt(j) != '"') {
        continue;
      }
      char before = message.charAt(j - 1);
      char after = j + 1 < message.length() ? message.charAt(j + 1) : ' ';
      if (before == '=') {
        depth++;
      } else if (after == ' ' || after == '"') {
        depth--;
        if (depth == 0) {
          return j;
        }
      }
    }
    return -1;
  }

  /** @return the value of {@code key} in {@code message}, if it has one */
  static Optional<String> value(String message, String key) {
    return Optional.ofNullable(keyValues(message).get(key));
  }

  /** @return the whole-number value of {@code key}, if it has one that is a whole number */
  static OptionalInt intValue(String message, String key) {
    Optional<String> v = value(message, key);
    if (v.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(v.get()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Reads a {@code traffic: <rev>=<w>% <rev>=<w>%} message.
   *
   * @return percent per revision id, in the message's order; empty for an even split
   */
  static Map<String, Integer> traffic(String message) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : keyValues(message).entrySet()) {
      String v = e.getValue();
      if (v.endsWith("%")) {
        try {
          out.put(e.getKey(), Integer.parseInt(v.substring(0, v.length() - 1)));
        } catch (NumberFormatException ignored) {
          // not a weight: the message's free text
        }
      }
    }
    return out;
  }

  /**
   * Reads an {@code instances: <rev>=<STATE>:<n>,<STATE>:<n> <rev>=...} message.
   *
   * @return per revision id, the count per state name; empty for {@code instances: none}
   */
  static Map<String, Map<String, Integer>> instances(String message) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : keyValues(message).entrySet()) {
      Map<String, Integer> states = new LinkedHashMap<>();
      for (String part : e.getValue().split(",")) {
        int colon = part.indexOf(':');
        if (colon > 0) {
          try {
            states.put(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1)));
          } catch (NumberFormatException ignored) {
            // not a count
          }
        }
      }
      if (!states.isEmpty()) {
        out.put(e.getKey(), states);
      }
    }
    return out;
  }
}
