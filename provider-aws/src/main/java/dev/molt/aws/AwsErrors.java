package dev.molt.aws;

import dev.molt.MoltException;
import dev.molt.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
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
  /** EC2 documents these as eventual consistency right after a launch: retry. */
  private static final Set<String> NOT_YET_VISIBLE = Set.of("InvalidInstanceID.NotFound");

  private AwsErrors() {}

  static <T> T call(String operation, String resource, Supplier<T> body) {
    try {
      return body.get();
    } catch (MoltException e) {
      throw e;
    } catch (SdkException e) {
      throw translate(operation, resource, e);
    } catch (UncheckedIOException e) {
      throw new ProviderException(operation, resource, true, "I/O: " + e.getMessage(), e);
    }
  }

  static void run(String operation, String resource, Runnable body) {
    call(operation, resource, () -> {
      body.run();
      return null;
    });
  }

  static ProviderException translate(String operation, String resource, SdkException e) {
    if (e instanceof AwsServiceException ase) {
      String code = ase.awsErrorDetails() == null || ase.awsErrorDetails().errorCode() == null
          ? "(no code)" : ase.awsErrorDetails().errorCode();
      int status = ase.statusCode();
      boolean retryable = THROTTLING.contains(code) || NOT_YET_VISIBLE.contains(code)
          || ase.isThrottlingException() || status >= 500;
      String message = ase.awsErrorDetails() == null ? ase.getMessage()
          : ase.awsErrorDetails().errorMessage();
      return new ProviderException(operation, resource, retryable,
          "AWS answered " + status + " " + code + ": " + firstLine(message), e);
    }
    if (causedByIo(e)) {
      return new ProviderException(operation, resource, true,
          "cannot reach AWS: " + firstLine(e.getMessage()), e);
    }
    return new ProviderException(operation, resource, e.retryable(),
        "AWS SDK: " + firstLine(e.getMessage()), e);
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String line = message.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl);
  }
}
