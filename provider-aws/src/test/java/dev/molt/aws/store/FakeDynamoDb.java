package dev.molt.aws.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * An in-process DynamoDB that speaks the JSON 1.0 protocol the SDK marshals: {@code POST /} with
 * {@code X-Amz-Target: DynamoDB_20120810.<Operation>}, a SigV4 {@code Authorization} header and a
 * JSON body of typed attribute values; answers with DynamoDB's JSON, an {@code x-amz-crc32} the
 * SDK checks, and DynamoDB's error documents ({@code {"__type": "...#Code", "message": ...}},
 * HTTP 400; 500 for injected internal errors).
 *
 * <p>Operations: CreateTable, DescribeTable, DeleteTable, UpdateTimeToLive, DescribeTimeToLive,
 * PutItem, GetItem, UpdateItem (SET and REMOVE), DeleteItem, Query (key condition, filter,
 * Limit, ExclusiveStartKey, ScanIndexForward; pages of at most {@link #pageSize} items) and
 * TransactWriteItems (ConditionCheck, Put, Update, Delete; all or nothing, {@code
 * TransactionCanceledException} with one {@code CancellationReasons} entry per item; idempotent by
 * {@code ClientRequestToken}). Condition expressions are enforced as {@link Expressions}
 * documents; {@code ReturnValuesOnConditionCheckFailure=ALL_OLD} returns the item with the
 * refusal. Keys, item size (400 KB) and transactions (100 distinct items) are validated as
 * DynamoDB does. State is in memory ({@link Tables}), behind one lock: every request is atomic.
 * Counts requests per operation and can answer the next ones with an error. Thread-safe.
 */
final class FakeDynamoDb implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private final HttpServer server;
  private final Tables tables = new Tables();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, Deque<Refusal>> faults = new LinkedHashMap<>();
  private volatile int pageSize = 1000;

  /** A refusal: DynamoDB's error code, its message, and what else the error document carries. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String code;
    final int status;
    final transient ObjectNode extra;

    Refusal(String code, String message) {
      this(code, 400, message, JSON.createObjectNode());
    }

    Refusal(String code, int status, String message, ObjectNode extra) {
      super(message);
      this.code = code;
      this.status = status;
      this.extra = extra;
    }

    String type() {
      return (code.equals("ValidationException") ? "com.amazon.coral.validate#"
          : code.equals("ThrottlingException") ? "com.amazon.coral.availability#"
          : "com.amazonaws.dynamodb.v20120810#") + code;
    }
  }

  FakeDynamoDb() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the fake DynamoDB endpoint", e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "fake-dynamodb");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers Query with pages of at most {@code items} items (default 1000). */
  void pageSize(int items) {
    this.pageSize = items;
  }

  /** @return how many requests of {@code operation} arrived (answered or failed) */
  int calls(String operation) {
    AtomicInteger n = calls.get(operation);
    return n == null ? 0 : n.get();
  }

  /** Answers the next {@code times} requests of {@code operation} with this error. */
  synchronized void failNext(String operation, int status, String code, int times) {
    Deque<Refusal> queue = faults.computeIfAbsent(operation, k -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(new Refusal(code, status, "injected fault", JSON.createObjectNode()));
    }
  }

  /**
   * Cancels the next {@code times} TransactWriteItems as DynamoDB does when another request
   * changes one of their items meanwhile: {@code TransactionCanceledException}, reason {@code
   * TransactionConflict}. Nothing is applied.
   */
  synchronized void conflictNextTransactions(int times) {
    Deque<Refusal> queue = faults.computeIfAbsent("TransactWriteItems", k -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      ObjectNode extra = JSON.createObjectNode();
      extra.putArray("CancellationReasons").addObject().put("Code", "TransactionConflict")
          .put("Message", "Transaction is ongoing for the item");
      queue.add(new Refusal("TransactionCanceledException", 400, "Transaction cancelled, please"
          + " refer cancellation reasons for specific reasons [TransactionConflict]", extra));
    }
  }

  /** @return a copy of the item under this key of a table, or null */
  synchronized Map<String, JsonNode> item(String table, Map<String, JsonNode> key) {
    return tables.peek(table, key);
  }

  /** @return how many items the table holds */
  synchronized int size(String table) {
    return tables.count(table);
  }

  /** Runs {@code body} under the fake's lock, as one request does. */
  synchronized void atomically(Runnable body) {
    body.run();
  }

  /**
   * Stops the server. The JDK server's dispatcher notices within a second; that wait happens on
   * a daemon thread, not the test's.
   */
  @Override
  public void close() {
    ((ExecutorService) server.getExecutor()).shutdownNow();
    Thread stopper = new Thread(() -> server.stop(0), "fake-dynamodb-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] request = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation = target != null && target.startsWith(TARGET_PREFIX)
          ? target.substring(TARGET_PREFIX.length()) : "";
      calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
      int status = 200;
      JsonNode answer;
      try {
        requireProtocol(exchange, operation);
        JsonNode body = JSON.readTree(new String(request, StandardCharsets.UTF_8));
        synchronized (this) {
          Deque<Refusal> queue = faults.get(operation);
          Refusal fault = queue == null ? null : queue.poll();
          if (fault != null) {
            throw fault;
          }
          answer = tables.handle(operation, body == null ? JSON.createObjectNode() : body,
              pageSize);
        }
      } catch (Refusal r) {
        status = r.status;
        ObjectNode error = JSON.createObjectNode().put("__type", r.type())
            .put("message", r.getMessage());
        error.setAll(r.extra);
        answer = error;
      } catch (IOException | RuntimeException e) {
        status = 400;
        answer = JSON.createObjectNode().put("__type", "com.amazon.coral.service#"
            + "SerializationException").put("message", String.valueOf(e.getMessage()));
      }
      byte[] out = JSON.writeValueAsBytes(answer);
      CRC32 crc = new CRC32();
      crc.update(out);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      exchange.getResponseHeaders().add("x-amzn-RequestId", "fake-" + operation);
      exchange.getResponseHeaders().add("x-amz-crc32", Long.toString(crc.getValue()));
      exchange.sendResponseHeaders(status, out.length);
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(out);
      }
    }
  }

  private static void requireProtocol(HttpExchange exchange, String operation) {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
      throw new Refusal("MissingAuthenticationTokenException", "Request is missing"
          + " Authentication Token");
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (!"POST".equals(exchange.getRequestMethod()) || type == null
        || !type.startsWith("application/x-amz-json-1.0")) {
      throw new Refusal("UnknownOperationException", "expected a POST of"
          + " application/x-amz-json-1.0, got " + exchange.getRequestMethod() + " " + type);
    }
    if (operation.isEmpty()) {
      throw new Refusal("UnknownOperationException", "missing or foreign X-Amz-Target");
    }
  }
}
