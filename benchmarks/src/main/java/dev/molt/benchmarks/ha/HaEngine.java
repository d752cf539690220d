package dev.molt.benchmarks.ha;

import dev.molt.engine.FleetController;
import dev.molt.engine.RetrySettings;
import dev.molt.engine.RolloutEngine;
import dev.molt.postgres.PostgresRolloutStore;
import dev.molt.reconcile.ReconcileSpec;
import dev.molt.rollout.RolloutEvent;
import dev.molt.time.Scheduler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One engine process of the {@code ha} suite: a {@link RolloutEngine} on the PostgreSQL store and
 * the shared platform, running a {@link FleetController} over the suite's fleets until it is
 * killed, stopped or told to end (SIGTERM: it closes and releases its leases). It prints {@code
 * ha-ready} once running and an {@code ha-event} line for every lease loss, takeover and failure.
 *
 * <p>Arguments: platform URL, engine identity, JDBC URL, database user, fleet count, capacity,
 * lease TTL in milliseconds.
 */
public final class HaEngine {
  private static final Set<RolloutEvent.Type> TOLD = EnumSet.of(RolloutEvent.Type.LEASE_LOST,
      RolloutEvent.Type.RECOVERED, RolloutEvent.Type.FAILED, RolloutEvent.Type.ROLLED_BACK);

  private HaEngine() {}

  /**
   * Runs the engine.
   *
   * @param args see the class comment
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    URI platform = URI.create(args[0]);
    String identity = args[1];
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(args[2]);
    ds.setUser(args[3]);
    ds.setConnectTimeout(2);
    ds.setSocketTimeout(5);
    int fleets = Integer.parseInt(args[4]);
    int capacity = Integer.parseInt(args[5]);
    Duration ttl = Duration.ofMillis(Long.parseLong(args[6]));

    PostgresRolloutStore store = PostgresRolloutStore.builder(ds)
        .statementTimeout(Duration.ofSeconds(3)).build();
    RolloutEngine engine = RolloutEngine.builder(new RemoteProvider(platform, identity))
        // provider and store calls block the engine's scheduler threads: enough of them that a
        // lease renewal never waits behind the calls of twenty fleets
        .scheduler(Scheduler.of(Executors.newScheduledThreadPool(8, r -> {
          Thread t = new Thread(r, "ha-engine");
          t.setDaemon(true);
          return t;
        })))
        .store(store).identity(identity).leaseTtl(ttl).leaseSkewMargin(ttl.dividedBy(5))
        .pollInterval(Duration.ofMillis(500))
        .retries(new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(1), 0.25,
            Duration.ofSeconds(3), Duration.ofMillis(500), 5))
        .listener((rollout, event) -> {
          if (TOLD.contains(event.type())) {
            System.out.println("ha-event engine=" + identity + " type=" + event.type()
                + " fleet=" + rollout.fleet() + " rollout=" + rollout.id() + " "
                + event.message());
          }
        })
        .build();
    Declared declared = new Declared(platform, fleets, capacity);
    FleetController controller = FleetController.builder(engine).group("ha")
        .fleets(declared::fleets).tick(Duration.ofSeconds(1))
        .reconcileInterval(Duration.ofSeconds(2)).start();
    CountDownLatch end = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      controller.close();
      engine.close();
      end.countDown();
    }));
    System.out.println("ha-ready engine=" + identity);
    System.out.flush();
    end.await();
  }

  /** The declared fleets, as the platform says; the last answer while it cannot be asked. */
  private static final class Declared {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;
    private final int fleets;
    private final int capacity;
    private final AtomicReference<List<ReconcileSpec>> last = new AtomicReference<>(List.of());

    Declared(URI platform, int fleets, int capacity) {
      this.uri = platform.resolve("/declared");
      this.fleets = fleets;
      this.capacity = capacity;
    }

    List<ReconcileSpec> fleets() {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        int version = Integer.parseInt(r.body().strip());
        last.set(HaSuite.fleetNames(fleets).stream().map(f -> ReconcileSpec.builder(f)
            .capacity(capacity).declared(HaWire.spec(version)).build()).toList());
      } catch (IOException | RuntimeException e) {
        // keep the last answer
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return last.get();
    }
  }
}
