package dev.molt.benchmarks.ha;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.spi.LaunchRequest;
import dev.molt.store.Lease;
import dev.molt.store.RolloutStore;
import dev.molt.time.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform the engine processes share: one {@link InMemoryProvider} on the real clock, served
 * on loopback to {@link RemoteProvider}s. Every call is recorded with the engine that made it; a
 * call that changes the platform (launch, drain, terminate) is checked against the fleet's lease
 * in the store at the moment it arrives, and counted as an overlapping holder's call when the
 * store does not name that engine as the fleet's holder with a lease still running. While the
 * store is unreachable (a database restart) the last lease read is used: nobody can be granted
 * a fleet meanwhile.
 */
final class HaPlatform implements AutoCloseable {
  /** Versions of the launch spec both sides know. */
  static final int VERSIONS = 8;

  /** One call to the platform. */
  record Call(Instant at, String engine, String operation, String fleet, long token) {}

  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final ExecutorService handlers = Executors.newFixedThreadPool(8);
  private final InMemoryProvider provider;
  private final RolloutStore store;
  private final List<String> fleets;
  private final int capacity;
  private final AtomicInteger declared = new AtomicInteger(1);
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<String> overlaps = new CopyOnWriteArrayList<>();
  private final Map<String, Lease> lastLease = new ConcurrentHashMap<>();
  private final Set<String> rollouts = ConcurrentHashMap.newKeySet();
  private final HttpServer server;

  HaPlatform(RolloutStore store, List<String> fleets, int capacity) throws IOException {
    this.store = store;
    this.fleets = List.copyOf(fleets);
    this.capacity = capacity;
    this.provider = InMemoryProvider.builder(Clock.systemUTC(), Scheduler.of(timers))
        .defaultBehavior(InstanceBehavior.healthy(Duration.ofMillis(300), Duration.ofMillis(700)))
        .withoutRouter().build();
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
    timers.scheduleWithFixedDelay(this::refreshLeases, 0, 250,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Makes version {@code n} the declared spec of every fleet. */
  void declare(int n) {
    declared.set(n);
  }

  int declared() {
    return declared.get();
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  int rollouts() {
    return rollouts.size();
  }

  /**
   * @return what keeps the fleets from being converged to the declared version: a line per fleet
   *     whose live instances are not exactly {@code capacity} running ones of it; empty when all are
   */
  List<String> unconverged() {
    List<String> out = new ArrayList<>();
    String want = HaWire.spec(declared.get()).revision().id();
    for (String fleet : fleets) {
      List<Instance> alive = provider.observe(fleet).stream()
          .filter(i -> i.state().isAlive()).toList();
      long ready = alive.stream().filter(i -> i.revision().id().equals(want)
          && i.state() == InstanceState.RUNNING).count();
      if (ready != capacity || alive.size() != capacity) {
        out.add(fleet + ": " + ready + " running of v" + declared.get() + ", " + alive.size()
            + " alive");
      }
    }
    return out;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String operation = x.getRequestURI().getPath().substring(1);
      String engine = Optional.ofNullable(x.getRequestHeaders().getFirst(HaWire.ENGINE))
          .orElse("unknown");
      String body;
      try (InputStream in = x.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String answer;
      try {
        answer = answer(operation, engine, body);
      } catch (RuntimeException e) {
        reply(x, 500, e.toString());
        return;
      }
      reply(x, 200, answer);
    }
  }

  private static void reply(HttpExchange x, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private String answer(String operation, String engine, String body) {
    if (operation.equals("declared")) {
      return Integer.toString(declared.get());
    }
    List<String[]> records = HaWire.records(body);
    String fleet = records.get(0)[0];
    List<Instance> instances = HaWire.instances(body.substring(body.indexOf('\n') + 1));
    long token = check(operation, engine, fleet);
    calls.add(new Call(Instant.now(), engine, operation, fleet, token));
    return switch (operation) {
      case "launch" -> {
        String[] f = records.get(0);
        rollouts.add(f[3]);
        yield HaWire.instances(provider.launch(new LaunchRequest(fleet,
            HaWire.spec(Integer.parseInt(f[1])), Integer.parseInt(f[2]), f[3], f[4],
            Boolean.parseBoolean(f[5]))));
      }
      case "observe" -> HaWire.instances(provider.observe(fleet));
      case "health" -> HaWire.health(provider.health(fleet, instances));
      case "drain" -> {
        provider.drain(fleet, instances);
        yield "";
      }
      case "terminate" -> {
        provider.terminate(fleet, instances);
        yield "";
      }
      default -> throw new IllegalArgumentException("no operation " + operation);
    };
  }

  /**
   * For a call that changes the platform: the token of {@code engine}'s lease of the fleet, or -1
   * (and an overlap recorded) when the store names another holder or the lease ran out. Calls
   * that only read are not checked (a gate may observe while measuring): they get token 0.
   */
  private long check(String operation, String engine, String fleet) {
    boolean changes = operation.equals("launch") || operation.equals("drain")
        || operation.equals("terminate");
    if (!changes) {
      return 0;
    }
    Instant at = Instant.now();
    Lease lease;
    boolean verified;
    try {
      lease = store.lease(fleet).orElse(null);
      verified = true;
    } catch (RuntimeException e) {
      // the database is restarting: nobody can be granted the fleet meanwhile, so the holder of
      // the last lease read is still the only one that may act (its expiry is not known)
      lease = lastLease.get(fleet);
      verified = false;
    }
    if (lease != null) {
      lastLease.put(fleet, lease);
    }
    boolean holds = lease != null && lease.holder().equals(engine)
        && (!verified || lease.isHeldAt(at));
    if (!holds) {
      overlaps.add(at + " " + engine + " " + operation + " " + fleet + " while the store said "
          + (lease == null ? "no lease" : lease.holder() + " token " + lease.token() + " until "
          + lease.expiresAt()));
      return -1;
    }
    return lease.token();
  }

  /** Reads every fleet's lease, so that a database restart finds the latest in the cache. */
  private void refreshLeases() {
    for (String fleet : fleets) {
      try {
        store.lease(fleet).ifPresentOrElse(l -> lastLease.put(fleet, l),
            () -> lastLease.remove(fleet));
      } catch (RuntimeException e) {
        return; // unreachable: keep what was read
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    timers.shutdownNow();
  }
}
