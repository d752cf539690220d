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
 * list. Hardened by default, as the Docker provider is: IMDSv2 only with a hop limit of 1, an
 * encrypted root volume; each has an explicit opt-out.
 */
record Ec2LaunchOptions(
    String instanceType,
    Optional<String> subnetId,
    List<String> subnetIds,
    List<String> securityGroupIds,
    Optional<String> keyName,
    Optional<String> iamInstanceProfile,
    boolean imdsv2,
    int metadataHopLimit,
    boolean encryptedRootVolume,
    Optional<String> kmsKeyId,
    Optional<String> rootDeviceName) {

  static final String PREFIX = "aws.";
  static final String DEFAULT_INSTANCE_TYPE = "t3.micro";
  /** EC2's range for {@code HttpPutResponseHopLimit}. */
  static final int MAX_HOPS = 64;
  private static final Set<String> KEYS = Set.of("instanceType", "subnetId", "subnetIds",
      "securityGroupIds",
      "keyName", "iamInstanceProfile", "imdsv2", "metadataHopLimit", "encryptedRootVolume",
      "kmsKeyId", "rootDeviceName");

  /** @return every subnet configured: {@code aws.subnetIds}, else {@code aws.subnetId}, else none */
  List<String> subnets() {
    return subnetIds.isEmpty() ? subnetId.map(List::of).orElse(List.of()) : subnetIds;
  }

  static Ec2LaunchOptions parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key.substring(PREFIX.length()))) {
        throw new InvalidSpecException("options[" + key + "]", "is not an AWS option; known: aws."
            + String.join(", aws.", KEYS.stream().sorted().toList()));
      }
    }
    boolean encrypted = flag(options, "encryptedRootVolume", true);
    Optional<String> kms = text(options, "kmsKeyId");
    if (!encrypted && kms.isPresent()) {
      throw new InvalidSpecException("options[aws.kmsKeyId]", "encrypts the root volume, but"
          + " aws.encryptedRootVolume=false turns encryption off; drop one of them");
    }
    List<String> subnets = text(options, "subnetIds")
        .map(v -> List.of(v.trim().split("\\s*,\\s*"))).orElse(List.of());
    if (!subnets.isEmpty() && text(options, "subnetId").isPresent()) {
      throw new InvalidSpecException("options[aws.subnetIds]", "and aws.subnetId both name"
          + " subnets; keep one (aws.subnetIds spreads launches across their zones)");
    }
    if (subnets.stream().distinct().count() != subnets.size()) {
      throw new InvalidSpecException("options[aws.subnetIds]", "names a subnet twice: " + subnets);
    }
    Optional<String> single = subnets.size() == 1 ? Optional.of(subnets.get(0))
        : text(options, "subnetId");
    return new Ec2LaunchOptions(
        text(options, "instanceType").orElse(DEFAULT_INSTANCE_TYPE),
        single,
        subnets.size() > 1 ? subnets : List.of(),
        text(options, "securityGroupIds").map(v -> List.of(v.trim().split("\\s*,\\s*")))
            .orElse(List.of()),
        text(options, "keyName"),
        text(options, "iamInstanceProfile"),
        flag(options, "imdsv2", true),
        hops(options),
        encrypted,
        kms,
        text(options, "rootDeviceName"));
  }

  private static boolean flag(Map<String, String> options, String name, boolean otherwise) {
    Optional<String> v = text(options, name);
    if (v.isEmpty()) {
      return otherwise;
    }
    return switch (v.get()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidSpecException("options[" + PREFIX + name + "]",
          "must be true or false, was '" + v.get() + "'");
    };
  }

  private static int hops(Map<String, String> options) {
    String v = text(options, "metadataHopLimit").orElse("1");
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_HOPS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new InvalidSpecException("options[aws.metadataHopLimit]", "must be 1.." + MAX_HOPS
        + " (EC2's HttpPutResponseHopLimit; 2 lets containers on the instance reach IMDSv2), was '"
        + v + "'");
  }

  private static Optional<String> text(Map<String, String> options, String name) {
    String v = options.get(PREFIX + name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
