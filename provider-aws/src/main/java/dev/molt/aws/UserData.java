package dev.molt.aws;

import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The EC2 user data that injects a launch spec's environment: a shell script (run once by
 * cloud-init at first boot) that writes {@code /etc/molt/environment}, one {@code NAME='value'}
 * line per variable, quoted so that {@code . /etc/molt/environment} in a shell gives back the exact
 * values. Secrets are references only ({@link SecretRefs}): the script fetches each at boot with
 * the AWS CLI under the instance's role and appends it, quoted the same way; a fetch that fails
 * stops the script (the instance never gets a partial environment). A spec without environment
 * or secrets gets no user data.
 */
final class UserData {
  static final String PATH = "/etc/molt/environment";
  /** EC2's limit on user data, before base64. */
  static final int MAX_BYTES = 16 * 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private UserData() {}

  /** Appends one {@code NAME='value'} line, the value quoted at boot as {@link #quote} does. */
  private static final String APPEND_SECRET = "molt_secret() {\n  printf \"%s='%s'\\n\" \"$1\""
      + " \"$(printf '%s' \"$2\" | sed \"s/'/'\\\\\\\\''/g\")\" >> " + PATH + "\n}\n";

  /** @return the script without secrets, if the spec has environment variables */
  static Optional<String> script(LaunchSpec spec) {
    return script(spec, Map.of(), Optional.empty());
  }

  /**
   * @param secrets the spec's secret references, by variable name
   * @param region the region the CLI fetches secrets in
   * @return the script, if the spec has environment variables or secrets
   */
  static Optional<String> script(LaunchSpec spec, Map<String, SecretRefs.Ref> secrets,
      Optional<String> region) {
    if (spec.environment().isEmpty() && secrets.isEmpty()) {
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
    if (!secrets.isEmpty()) {
      s.append("# secrets: fetched now with the instance's role; only their names are written here\n");
      region.ifPresent(r -> s.append("export AWS_DEFAULT_REGION=").append(quote(r)).append('\n'));
      s.append(APPEND_SECRET);
      secrets.forEach((name, ref) -> s.append("v=$(").append(ref.fetchCommand())
          .append(") || exit 1\nmolt_secret ").append(name).append(" \"$v\"\n"));
      s.append("unset v\n");
    }
    if (s.toString().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new InvalidSpecException("environment", "makes " + s.length()
          + " bytes of EC2 user data; EC2 allows " + MAX_BYTES);
    }
    return Optional.of(s.toString());
  }

  /** @return the script base64-encoded, as RunInstances wants it */
  static Optional<String> encoded(LaunchSpec spec, Map<String, SecretRefs.Ref> secrets,
      Optional<String> region) {
    return script(spec, secrets, region).map(
        s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** @return {@code value} in single quotes, each embedded quote as {@code '\''} */
  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
