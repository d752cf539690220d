package dev.molt.aws.store;

import dev.molt.store.StoreException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * The one place where the SDK's exceptions from DynamoDB become {@link StoreException}s naming the
 * operation and the table. The refusals a store expects (a failed condition, a cancelled
 * transaction) are caught by the callers first; what reaches here is a failure: unreachable
 * endpoint, throttling that outlasted the SDK's retries, missing rights, a missing table.
 */
final class DynamoDbErrors {
  private DynamoDbErrors() {}

  static <T> T call(String what, String table, Supplier<T> body) {
    try {
      return body.get();
    } catch (ConditionalCheckFailedException | TransactionCanceledException refused) {
      throw refused; // the callers' to interpret: a refusal, not a failure
    } catch (SdkException e) {
      throw failure(what, table, e);
    }
  }

  static StoreException failure(String what, String table, SdkException e) {
    String hint = "; check that the endpoint answers, that the table exists and that the"
        + " credentials may use it (see docs/store-dynamodb.md for the IAM actions)";
    if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
      String code = Objects.requireNonNullElse(ase.awsErrorDetails().errorCode(), "(no code)");
      String message = Objects.requireNonNullElse(ase.awsErrorDetails().errorMessage(), "");
      return new StoreException("cannot " + what + " in DynamoDB table " + table + ": DynamoDB"
          + " answered " + ase.statusCode() + " " + code + ": " + firstLine(message) + hint, e);
    }
    return new StoreException("cannot " + what + " in DynamoDB table " + table + ": "
        + firstLine(Objects.requireNonNullElse(e.getMessage(), e.getClass().getName())) + hint, e);
  }

  /**
   * Whether a failure is a conflict with another transaction on the same items, which DynamoDB
   * asks callers to retry: the SDK's retry strategy of a store-built client retries these too.
   */
  static boolean isConflict(Throwable e) {
    if (e instanceof TransactionConflictException) {
      return true;
    }
    if (e instanceof TransactionCanceledException tce && tce.hasCancellationReasons()) {
      List<CancellationReason> reasons = tce.cancellationReasons();
      return reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()))
          && reasons.stream().noneMatch(r -> "ConditionalCheckFailed".equals(r.code()));
    }
    return false;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
