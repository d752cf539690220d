package dev.molt.aws;

import dev.molt.InvalidSpecException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code aws.*} entries of a {@link dev.molt.LaunchSpec}'s options, validated before any AWS
 * call. Other options (for other providers) are ignored; an unknown {@code aws.*} key is an error,
 * so a typo never launches something other than what was meant. See {@link AwsProvider} for the
 * list.
 */
record Ec2LaunchOptions(
    String instanceType,
    Optional<String> subnetId,
    List<String> securityGroupIds,
    Optional<String> keyName,
    Optional<String> iamInstanceProfile) {

  static final String PREFIX = "aws.";
  static final String DEFAULT_INSTANCE_TYPE = "t3.micro";
  private static final Set<String> KEYS = Set.of("instanceType", "subnetId", "securityGroupIds",
      "keyName", "iamInstanceProfile");

  static Ec2LaunchOptions parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key.substring(PREFIX.length()))) {
        throw new InvalidSpecException("options[" + key + "]", "is not an AWS option; known: aws."
            + String.join(", aws.", KEYS.stream().sorted().toList()));
      }
    }
    return new Ec2LaunchOptions(
        text(options, "instanceType").orElse(DEFAULT_INSTANCE_TYPE),
        text(options, "subnetId"),
        text(options, "securityGroupIds").map(v -> List.of(v.trim().split("\\s*,\\s*")))
            .orElse(List.of()),
        text(options, "keyName"),
        text(options, "iamInstanceProfile"));
  }

  private static Optional<String> text(Map<String, String> options, String name) {
    String v = options.get(PREFIX + name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
