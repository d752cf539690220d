package dev.molt.notify;

import static dev.molt.strategy.CanaryStep.pause;
import static dev.molt.strategy.CanaryStep.setWeight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.molt.Fixtures;
import dev.molt.InvalidSpecException;
import dev.molt.internal.Json;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutPhase;
import dev.molt.strategy.Canary;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook notifier against a real HTTP server on loopback: up, failing, slow and down. */
class WebhookNotifierTest {
  private static final String SECRET = "s3cret-signing-key";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private HttpServer server;

  private record Received(String delivery, String kind, String signature, String body) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      return (Map<String, Object>) Json.parse(body);
    }
  }

  /** Starts a receiver answering each request with {@code status.applyAsInt(nth request)}. */
  private URI receiver(ToIntFunction<Integer> status) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger n = new AtomicInteger();
    server.createContext("/hook", exchange -> answer(exchange, status.applyAsInt(
        n.incrementAndGet())));
    server.setExecutor(handlers);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  private void answer(HttpExchange x, int status) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(new Received(x.getRequestHeaders().getFirst("X-Molt-Delivery"),
        x.getRequestHeaders().getFirst("X-Molt-Event"),
        x.getRequestHeaders().getFirst("X-Molt-Signature"), body));
    x.sendResponseHeaders(status, -1);
    x.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    handlers.shutdownNow();
  }

  private List<Received> take(int count) throws InterruptedException {
    List<Received> out = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (out.size() < count) {
      Received r = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(r).as("request %d of %d within %s", out.size() + 1, count, WAIT).isNotNull();
      out.add(r);
    }
    return out;
  }

  private static Rollout canary(WebhookNotifier notifier) {
    Fixtures f = new Fixtures(notifier);
    f.deployV1(4);
    return f.engine.run(Fixtures.rollout(Fixtures.V2, 4).strategy(Canary.of(setWeight(25),
        pause(Duration.ofMinutes(5)), setWeight(100))).build());
  }

  @Test
  void aCanarySendsSignedVersionedPayloadsInOrder() throws Exception {
    URI url = receiver(n -> 200);
    try (WebhookNotifier notifier = WebhookNotifier.builder(url).signingSecret(SECRET).build()) {
      Rollout done = canary(notifier);
      assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);

      // deploying v1 completes once, then the canary: three steps and its completion
      List<Received> got = take(5);
      assertThat(got).extracting(Received::kind).containsExactly("rollout.completed",
          "step.completed", "step.completed", "step.completed", "rollout.completed");
      for (Received r : got) {
        assertThat(r.signature()).isEqualTo("sha256=" + WebhookNotifier.sign(
            SECRET.getBytes(StandardCharsets.UTF_8), r.body()));
        assertThat(r.json()).containsEntry("version", 1L).containsEntry("kind", r.kind())
            .containsEntry("delivery", r.delivery());
        assertThat(r.body()).doesNotContain(SECRET);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> last = (Map<String, Object>) got.get(4).json().get("rollout");
      assertThat(last).containsEntry("id", done.id()).containsEntry("fleet", "web")
          .containsEntry("phase", "SUCCEEDED").containsEntry("step", 4L)
          .containsEntry("to", Fixtures.V2.revision().toString());
      assertThat(got).extracting(r -> Long.parseLong(r.delivery().replaceAll(".*-", "")))
          .isSorted();
    }
  }

  @Test
  void failuresAreRetriedWithTheSameDeliveryAndTheOrderIsKept() throws Exception {
    URI url = receiver(n -> n <= 2 ? 503 : 200);
    try (WebhookNotifier notifier = WebhookNotifier.builder(url)
        .triggers(Set.of(Trigger.COMPLETED))
        .retries(5, Duration.ofMillis(20), Duration.ofMillis(100)).build()) {
      canary(notifier);

      List<Received> got = take(4);
      assertThat(got).extracting(Received::delivery).containsExactly(got.get(0).delivery(),
          got.get(0).delivery(), got.get(0).delivery(), got.get(3).delivery());
      assertThat(got.get(3).delivery()).isNotEqualTo(got.get(0).delivery());
    }
  }

  @Test
  void aSlowReceiverTimesOutAndIsRetriedWithoutHoldingUpTheRollout() throws Exception {
    CountDownLatch retried = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<String> timedOut =
        new java.util.concurrent.atomic.AtomicReference<>();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger n = new AtomicInteger();
    server.createContext("/hook", x -> {
      if (n.incrementAndGet() == 1) {
        timedOut.set(x.getRequestHeaders().getFirst("X-Molt-Delivery"));
        try { // the first answer waits until the retry has come in: it is slower than the timeout
          retried.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        x.close();
        return;
      }
      retried.countDown();
      answer(x, 200);
    });
    server.setExecutor(handlers);
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    try (WebhookNotifier notifier = WebhookNotifier.builder(url)
        .triggers(Set.of(Trigger.COMPLETED)).timeout(Duration.ofMillis(300))
        .retries(3, Duration.ofMillis(20), Duration.ofMillis(50)).build()) {
      Rollout done = canary(notifier);

      assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
      List<Received> got = take(2);
      assertThat(got).extracting(Received::kind).containsOnly("rollout.completed");
      assertThat(got.get(0).delivery()).as("the retry of the payload that timed out")
          .isEqualTo(timedOut.get());
    }
  }

  @Test
  void aReceiverThatIsDownChangesNothingForTheRollout() throws Exception {
    URI url = receiver(n -> 200);
    server.stop(0); // nothing listens there any more
    server = null;
    try (WebhookNotifier notifier = WebhookNotifier.builder(url)
        .retries(2, Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
      Rollout done = canary(notifier);

      assertThat(done.phase()).isEqualTo(RolloutPhase.SUCCEEDED);
      assertThat(received).isEmpty();
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> WebhookNotifier.builder(URI.create("ftp://example/x")))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("url"));
    WebhookNotifier.Builder b = WebhookNotifier.builder(URI.create("http://127.0.0.1:9/x"));
    assertThatThrownBy(() -> b.triggers(Set.of()))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("triggers"));
    assertThatThrownBy(() -> b.retries(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("retries.max"));
    assertThatThrownBy(() -> b.signingSecret(" "))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("signingSecret"));
    try (WebhookNotifier n = b.signingSecret(SECRET).build()) {
      assertThat(n.toString()).contains("signed").doesNotContain(SECRET);
    }
  }
}
