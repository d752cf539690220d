package dev.molt.aws;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The EC2 user data that injects a launch spec's environment: a shell script (run once by
 * cloud-init at first boot) that writes {@code /etc/molt/environment}, one {@code NAME='value'}
 * line per variable, quoted so that {@code . /etc/molt/environment} in a shell gives back the exact
 * values. A spec without environment gets no user data.
 */
final class UserData {
  static final String PATH = "/etc/molt/environment";
  /** EC2's limit on user data, before base64. */
  static final int MAX_BYTES = 16 * 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private UserData() {}

  /** @return the script, if the spec has environment variables */
  static Optional<String> script(LaunchSpec spec) {
    if (spec.environment().isEmpty()) {
      return Optional.empty();
    }
    StringBuilder s = new StringBuilder("#!/bin/sh\n# written by Molt: the launch spec's environment\n")
        .append("umask 077\nmkdir -p /etc/molt\n: > ").append(PATH).append('\n');
    new java.util.TreeMap<>(spec.environment()).forEach((name, value) -> {
      if (!NAME.matcher(name).matches()) {
        throw new InvalidSpecException("environment[" + name + "]",
            "is not a shell variable name ([A-Za-z_][A-Za-z0-9_]*), which EC2 user data needs");
      }
      s.append("printf '%s\\n' ").append(quote(name + "=" + quote(value))).append(" >> ")
          .append(PATH).append('\n');
    });
    if (s.toString().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new InvalidSpecException("environment", "makes " + s.length()
          + " bytes of EC2 user data; EC2 allows " + MAX_BYTES);
    }
    return Optional.of(s.toString());
  }

  /** @return the script base64-encoded, as RunInstances wants it */
  static Optional<String> encoded(LaunchSpec spec) {
    return script(spec).map(
        s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** @return {@code value} in single quotes, each embedded quote as {@code '\''} */
  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
