package dev.molt.aws;

import dev.molt.InvalidSpecException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A launch spec's secret references as the AWS provider takes them: names in SSM Parameter Store
 * ({@code ssm:/web/db-password}, a SecureString is decrypted) or Secrets Manager ({@code
 * secretsmanager:web/db}, its {@code SecretString}), each fetched at first boot by the instance
 * with its own role (the instance profile), never resolved by Molt: no secret value is ever in
 * the RunInstances request, the user data, a log line or an exception.
 */
final class SecretRefs {
  /** One fetch command per store, as the AWS CLI on the instance runs it. */
  enum Store {
    SSM("ssm:", "aws ssm get-parameter --with-decryption --name %s --query Parameter.Value"
        + " --output text"),
    SECRETS_MANAGER("secretsmanager:", "aws secretsmanager get-secret-value --secret-id %s"
        + " --query SecretString --output text");

    final String prefix;
    final String command;

    Store(String prefix, String command) {
      this.prefix = prefix;
      this.command = command;
    }
  }

  /** A reference: where the secret lives and its name there (or ARN). */
  record Ref(Store store, String name) {
    String fetchCommand() {
      return String.format(store.command, UserData.quote(name));
    }
  }

  /** Parameter names, secret names and ARNs: nothing a shell or the CLI would read otherwise. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@:-]{1,2048}");

  private SecretRefs() {}

  /**
   * @return the references by variable name, in name order
   * @throws InvalidSpecException naming the first reference that is neither {@code ssm:...} nor
   *     {@code secretsmanager:...}, or secrets without an instance profile to fetch them with
   */
  static Map<String, Ref> parse(Map<String, String> secrets, boolean hasInstanceProfile) {
    Map<String, Ref> out = new LinkedHashMap<>();
    if (!secrets.isEmpty() && !hasInstanceProfile) {
      throw new InvalidSpecException("secrets", "are fetched at boot by the instance's own role:"
          + " set aws.iamInstanceProfile to a profile allowed to read " + secrets.keySet());
    }
    new TreeMap<>(secrets).forEach((variable, reference) -> {
      Ref ref = null;
      for (Store s : Store.values()) {
        if (reference.startsWith(s.prefix)) {
          ref = new Ref(s, reference.substring(s.prefix.length()));
        }
      }
      if (ref == null || !NAME.matcher(ref.name()).matches()) {
        throw new InvalidSpecException("secrets[" + variable + "]", "must name an SSM parameter"
            + " (ssm:/path/name) or a Secrets Manager secret (secretsmanager:name or its ARN),"
            + " which the instance fetches at boot; was a reference of another form");
      }
      out.put(variable, ref);
    });
    return out;
  }
}
