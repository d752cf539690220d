package dev.molt.aws;

import dev.molt.spi.LaunchRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The RunInstances client token of a launch request: EC2 answers a repeated RunInstances with the
 * same token with the instances of the first call, which is exactly the SPI's request-key
 * idempotency. The token hashes the fleet, the revision and the request key (EC2 allows 64 ASCII
 * characters; request keys are free text).
 */
final class ClientTokens {
  private ClientTokens() {}

  static String of(LaunchRequest request) {
    return hash(request.fleet() + "\n" + request.revision().id() + "\n" + request.requestKey());
  }

  /** @return the token of the same request placed in {@code subnet} (one per subnet tried) */
  static String inSubnet(String token, String subnet) {
    return hash(token + "\n" + subnet);
  }

  private static String hash(String source) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(source.getBytes(StandardCharsets.UTF_8));
      return "molt-" + HexFormat.of().formatHex(hash).substring(0, 48);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
