package dev.molt.aws;

import static dev.molt.spi.PlatformErrors.firstLine;

import dev.molt.ProviderException;
import dev.molt.spi.PlatformErrors;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place where the AWS SDK's exceptions become {@link ProviderException}s. Retryable:
 * throttling ({@code RequestLimitExceeded}, {@code Throttling}...), 5xx answers, I/O failures and
 * EC2's eventual-consistency "not found yet" codes. Not retryable: validation, authentication and
 * authorisation errors, and every other 4xx.
 */
final class AwsErrors {
  private static final Set<String> THROTTLING = Set.of("RequestLimitExceeded", "Throttling",
      "ThrottlingException", "TooManyRequestsException", "RequestThrottled",
      "RequestThrottledException", "SlowDown", "PriorRequestNotComplete");
  /** EC2 Auto Scaling's "busy, try again": a pending update or a scaling activity. */
  private static final Set<String> BUSY = Set.of("ResourceContention",
      "ScalingActivityInProgress");
  /** EC2 documents these as eventual consistency right after a launch: retry. */
  private static final Set<String> NOT_YET_VISIBLE = Set.of("InvalidInstanceID.NotFound");

  private AwsErrors() {}

  static <T> T call(String operation, String resource, Supplier<T> body) {
    return PlatformErrors.call(operation, resource, AwsErrors::translate, body);
  }

  static void run(String operation, String resource, Runnable body) {
    PlatformErrors.run(operation, resource, AwsErrors::translate, body);
  }

  static ProviderException translate(String operation, String resource, RuntimeException e) {
    if (e instanceof SdkException sdk) {
      return translate(operation, resource, sdk);
    }
    if (e instanceof UncheckedIOException) {
      return new ProviderException(operation, resource, true, "I/O: " + firstLine(e), e);
    }
    return PlatformErrors.unexpected(operation, resource, e);
  }

  private static ProviderException translate(String operation, String resource, SdkException e) {
    if (e instanceof AwsServiceException ase) {
      String code = ase.awsErrorDetails() == null || ase.awsErrorDetails().errorCode() == null
          ? "(no code)" : ase.awsErrorDetails().errorCode();
      int status = ase.statusCode();
      boolean retryable = THROTTLING.contains(code) || NOT_YET_VISIBLE.contains(code)
          || BUSY.contains(code)
          || ase.isThrottlingException() || status >= 500;
      String message = ase.awsErrorDetails() == null ? ase.getMessage()
          : ase.awsErrorDetails().errorMessage();
      return new ProviderException(operation, resource, retryable,
          "AWS answered " + status + " " + code + ": "
              + firstLine(Objects.requireNonNullElse(message, "")), e);
    }
    if (PlatformErrors.causedByIo(e)) {
      return new ProviderException(operation, resource, true,
          "cannot reach AWS: " + firstLine(e), e);
    }
    return new ProviderException(operation, resource, e.retryable(),
        "AWS SDK: " + firstLine(e), e);
  }
}
