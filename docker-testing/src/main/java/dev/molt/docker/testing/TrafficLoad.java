package dev.molt.docker.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Continuous HTTP GETs to one URL, a request every few milliseconds on each of a few workers,
 * counting answers by body and failures (anything but a 200, or no answer within 5 s).
 */
public final class TrafficLoad implements AutoCloseable {
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final URI target;
  private final ScheduledExecutorService workers;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
  private final AtomicReference<String> last = new AtomicReference<>("");
  private final List<String> failures = new ArrayList<>();

  private TrafficLoad(URI target, int workers, Duration pause) {
    this.target = target;
    this.workers = Executors.newScheduledThreadPool(workers, r -> {
      Thread t = new Thread(r, "molt-traffic");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < workers; i++) {
      this.workers.scheduleWithFixedDelay(this::once, 0, pause.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Starts sending.
   *
   * @param target the URL
   * @param workers concurrent requesters
   * @param pause the pause between two requests of one worker
   * @return the running load
   */
  public static TrafficLoad start(URI target, int workers, Duration pause) {
    return new TrafficLoad(target, workers, pause);
  }

  private void once() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(target)
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      requests.incrementAndGet();
      if (r.statusCode() == 200) {
        String body = r.body().strip();
        answers.computeIfAbsent(body, k -> new AtomicLong()).incrementAndGet();
        last.set(body);
      } else {
        fail("HTTP " + r.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      requests.incrementAndGet();
      fail(e.toString());
    }
  }

  private void fail(String why) {
    failed.incrementAndGet();
    synchronized (failures) {
      if (failures.size() < 20) {
        failures.add(why);
      }
    }
  }

  /** @return requests answered or failed so far */
  public long requests() {
    return requests.get();
  }

  /** @return failed requests so far */
  public long failed() {
    return failed.get();
  }

  /** @return the body of the latest successful answer */
  public String lastAnswer() {
    return last.get();
  }

  /** @return successful answers counted by body */
  public Map<String, Long> answers() {
    Map<String, Long> out = new java.util.TreeMap<>();
    answers.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** @return the first failures' descriptions (up to 20) */
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** Stops sending and waits for requests in flight. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
