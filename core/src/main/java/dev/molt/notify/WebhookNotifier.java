package dev.molt.notify;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.molt.Arguments;
import dev.molt.Durations;
import dev.molt.InvalidSpecException;
import dev.molt.engine.RolloutListener;
import dev.molt.internal.Json;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a JSON payload to a webhook for each event that fires one of its {@link Trigger}s,
 * without ever holding up a rollout: {@link #onEvent} only queues (a bounded queue; when it is
 * full the oldest undelivered payload is dropped and logged), and one sender thread of the
 * notifier's own delivers the queue in order, each payload with retries that back off
 * exponentially (with jitter) on connection errors, timeouts and 5xx or 429 answers, up to
 * {@code maxAttempts}; a payload that still fails is logged with its fleet and rollout id and
 * dropped.
 *
 * <p>Payload, version 1 ({@code Content-Type: application/json}):
 *
 * <pre>{@code
 * {"version":1,"kind":"rollout.completed","delivery":"<notifier>-<n>","sentAt":"...",
 *  "rollout":{"id":"ro-..","fleet":"web","strategy":"canary","from":"r-..","to":"r-..",
 *             "phase":"SUCCEEDED","step":7,"totalSteps":7,"replacements":0,"reason":null,
 *             "waiting":null,"startedAt":"...","updatedAt":"..."},
 *  "event":{"at":"...","type":"SUCCEEDED","step":7,"message":"..."}}
 * }</pre>
 *
 * A {@code waiting} object has {@code reason}, {@code detail} and {@code until}. Payloads carry
 * only the rollout's snapshot and event: launch specs, environments and secrets never. Headers:
 * {@code X-Molt-Event} (the kind), {@code X-Molt-Delivery} (unique per payload, the same on every
 * attempt) and, with a signing secret, {@code X-Molt-Signature: sha256=<hex>}, the HMAC-SHA256 of
 * the exact body under the secret (the secret itself is never logged or sent).
 */
public final class WebhookNotifier implements RolloutListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
  private static final AtomicLong NOTIFIERS = new AtomicLong();

  private final URI url;
  private final Optional<byte[]> secret;
  private final Set<Trigger> triggers;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient http;
  private final BlockingQueue<Payload> queue;
  private final ScheduledExecutorService sender;
  private final FailsafeExecutor<HttpResponse<Void>> retries;
  private final String name = "webhook-" + NOTIFIERS.incrementAndGet();
  private final AtomicLong deliveries = new AtomicLong();
  private volatile boolean closed;

  private record Payload(String id, String kind, String fleet, String rollout, String body) {}

  private WebhookNotifier(Builder b) {
    this.url = b.url;
    this.secret = b.secret;
    this.triggers = Set.copyOf(b.triggers);
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.queue = new ArrayBlockingQueue<>(b.queueSize);
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "molt-" + name);
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
    this.retries = Failsafe.with(RetryPolicy.<HttpResponse<Void>>builder()
        .handle(IOException.class)
        .handleResultIf(r -> r.statusCode() >= 500 || r.statusCode() == 429)
        .withBackoff(b.firstBackoff, b.maxBackoff).withJitter(0.25)
        .withMaxAttempts(b.maxAttempts).build());
  }

  /**
   * Starts a builder.
   *
   * @param url where to post (http or https)
   * @return a builder sending every trigger, unsigned, 5 attempts, 10 s timeout
   */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  @Override
  public void onEvent(Rollout rollout, RolloutEvent event) {
    Optional<Trigger> trigger = Trigger.of(event);
    if (closed || trigger.isEmpty() || !triggers.contains(trigger.get())) {
      return;
    }
    String id = name + "-" + deliveries.incrementAndGet();
    Payload p = new Payload(id, trigger.get().kind(), rollout.fleet(), rollout.id(),
        body(id, trigger.get(), rollout, event));
    while (!queue.offer(p)) {
      Payload dropped = queue.poll();
      if (dropped != null) {
        LOG.warn("fleet={} rollout={} action=webhook-dropped kind={} delivery={} reason=\"queue"
            + " full\"", dropped.fleet(), dropped.rollout(), dropped.kind(), dropped.id());
      }
    }
    sender.execute(this::sendNext);
  }

  /** Delivers the oldest queued payload, then the next: one at a time, in order. */
  private void sendNext() {
    Payload p = queue.poll();
    if (p == null) {
      return;
    }
    try {
      HttpResponse<Void> r = retries.get(() -> http.send(request(p),
          HttpResponse.BodyHandlers.discarding()));
      if (r.statusCode() / 100 == 2) {
        LOG.debug("fleet={} rollout={} action=webhook kind={} delivery={} status={}", p.fleet(),
            p.rollout(), p.kind(), p.id(), r.statusCode());
      } else {
        LOG.warn("fleet={} rollout={} action=webhook-failed kind={} delivery={} status={}",
            p.fleet(), p.rollout(), p.kind(), p.id(), r.statusCode());
      }
    } catch (RuntimeException e) {
      LOG.warn("fleet={} rollout={} action=webhook-failed kind={} delivery={} error=\"{}\"",
          p.fleet(), p.rollout(), p.kind(), p.id(), e.getCause() == null ? e : e.getCause());
    }
  }

  private HttpRequest request(Payload p) {
    HttpRequest.Builder r = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Content-Type", "application/json")
        .header("X-Molt-Event", p.kind()).header("X-Molt-Delivery", p.id())
        .POST(HttpRequest.BodyPublishers.ofString(p.body(), StandardCharsets.UTF_8));
    secret.ifPresent(s -> r.header("X-Molt-Signature", "sha256=" + sign(s, p.body())));
    return r.build();
  }

  /**
   * @param secret the signing secret
   * @param body a payload body
   * @return the lowercase hex HMAC-SHA256 of {@code body} under {@code secret}, as the {@code
   *     X-Molt-Signature} header carries it after {@code sha256=}
   */
  public static String sign(byte[] secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has HmacSHA256", e);
    }
  }

  private String body(String id, Trigger trigger, Rollout r, RolloutEvent e) {
    Map<String, Object> rollout = new LinkedHashMap<>();
    rollout.put("id", r.id());
    rollout.put("fleet", r.fleet());
    rollout.put("strategy", r.strategy());
    rollout.put("from", r.from().map(Object::toString).orElse(null));
    rollout.put("to", r.to().toString());
    rollout.put("phase", r.phase().name());
    rollout.put("step", (long) r.step());
    rollout.put("totalSteps", (long) r.totalSteps());
    rollout.put("replacements", (long) r.replacements());
    rollout.put("reason", r.reason().orElse(null));
    rollout.put("waiting", r.waiting().map(WebhookNotifier::waiting).orElse(null));
    rollout.put("startedAt", r.startedAt().toString());
    rollout.put("updatedAt", r.updatedAt().toString());
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("at", e.at().toString());
    event.put("type", e.type().name());
    event.put("step", (long) e.step());
    event.put("message", e.message());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", 1L);
    out.put("kind", trigger.kind());
    out.put("delivery", id);
    out.put("sentAt", clock.instant().toString());
    out.put("rollout", rollout);
    out.put("event", event);
    return Json.write(out);
  }

  private static Map<String, Object> waiting(Wait w) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("reason", w.reason().name());
    out.put("detail", w.detail());
    out.put("until", w.until().map(Object::toString).orElse(null));
    return out;
  }

  /**
   * Stops taking events and lets the sender finish what is queued, waiting at most twice the
   * attempt timeout for it; what is still queued then is dropped.
   */
  @Override
  public void close() {
    closed = true;
    sender.shutdown();
    try {
      if (!sender.awaitTermination(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** @return {@code WebhookNotifier[<url> triggers=[...]]}, never the secret */
  @Override
  public String toString() {
    return "WebhookNotifier[" + url + " triggers=" + triggers + (secret.isPresent()
        ? " signed" : "") + "]";
  }

  /** Builds a {@link WebhookNotifier}. Not thread-safe. */
  public static final class Builder {
    private final URI url;
    private Optional<byte[]> secret = Optional.empty();
    private Set<Trigger> triggers = EnumSet.allOf(Trigger.class);
    private Duration timeout = Duration.ofSeconds(10);
    private Duration firstBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private int maxAttempts = 5;
    private int queueSize = 1000;
    private Clock clock = Clock.systemUTC();

    private Builder(URI url) {
      Arguments.required(url, "url");
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new InvalidSpecException("url", "must be http or https, was " + url);
      }
      this.url = url;
    }

    /** Signs every payload with HMAC-SHA256 under {@code key} (not blank). @return this */
    public Builder signingSecret(String key) {
      Arguments.notBlank(key, "signingSecret");
      this.secret = Optional.of(key.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** Sends only these triggers (at least one). @return this builder */
    public Builder triggers(Set<Trigger> only) {
      Arguments.required(only, "triggers");
      if (only.isEmpty()) {
        throw new InvalidSpecException("triggers", "must name at least one trigger");
      }
      this.triggers = EnumSet.copyOf(only);
      return this;
    }

    /** Bounds each attempt (connect and answer; default 10 s). @return this builder */
    public Builder timeout(Duration t) {
      this.timeout = Arguments.positive(t, "timeout");
      return this;
    }

    /**
     * Sets the retries: at most {@code attempts} in all, waiting from {@code first} doubling up
     * to {@code max} (longer than {@code first}) between them (defaults 5, 500 ms, 30 s).
     *
     * @return this builder
     */
    public Builder retries(int attempts, Duration first, Duration max) {
      Arguments.positive(attempts, "retries.attempts");
      Arguments.positive(first, "retries.first");
      Arguments.positive(max, "retries.max");
      if (max.compareTo(first) <= 0) {
        throw new InvalidSpecException("retries.max", "must be longer than retries.first "
            + Durations.text(first) + ", was " + Durations.text(max));
      }
      this.maxAttempts = attempts;
      this.firstBackoff = first;
      this.maxBackoff = max;
      return this;
    }

    /** Sets how many payloads may wait (default 1000). @return this builder */
    public Builder queueSize(int size) {
      this.queueSize = Arguments.positive(size, "queueSize");
      return this;
    }

    /** Sets the clock of {@code sentAt} (default the system's). @return this builder */
    public Builder clock(Clock c) {
      this.clock = Arguments.required(c, "clock");
      return this;
    }

    /** @return the notifier; close it to stop its sender thread */
    public WebhookNotifier build() {
      return new WebhookNotifier(this);
    }
  }
}
