package dev.molt.benchmarks.ha;

import dev.molt.benchmarks.Options;
import dev.molt.benchmarks.Suite;
import dev.molt.postgres.PostgresRolloutStore;
import dev.molt.store.Lease;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The process-level chaos run: 3 engine JVMs ({@link HaEngine}) in controller mode on one real
 * PostgreSQL store (started by {@code scripts/postgres-env.sh}, stopped after) and one shared
 * platform ({@link HaPlatform}, served on loopback by this process), keeping 20 fleets. Four
 * rounds each declare a new version of every fleet, so every fleet rolls, and inject one fault
 * while the rollouts run: {@code kill -9} of an engine (replaced by a new one), {@code SIGSTOP}
 * of an engine for twice the lease TTL and then {@code SIGCONT} (the long GC: the woken engine
 * must not act on what it held), and a PostgreSQL restart. Every round must converge: each fleet
 * exactly its capacity of running instances of the declared version, no rollout left unfinished.
 *
 * <p>It prints {@code ha: engines=3 fleets=20 kills=<k> pauses=<p> db_restarts=<r>
 * rollouts=<n> overlapping_holders=<o> stale_writes_refused=<s> self_stops=<e> violations=<v>}
 * and {@code ha_takeover: samples=<n> median_ms=<m> worst_ms=<w> bound_ms=<ttl + tick>}:
 * takeover is, for each fleet the killed or stopped engine held, from its lease's expiry to the
 * first call another engine made on the fleet. Exit status 1 when a violation was found.
 */
public final class HaSuite implements Suite {
  private static final int ENGINES = 3;
  private static final int FLEETS = 20;
  private static final int CAPACITY = 3;
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration ROUND_DEADLINE = Duration.ofMinutes(3);

  @Override
  public String name() {
    return "ha";
  }

  @Override
  public String summary() {
    return "3 engine JVMs on real PostgreSQL share 20 fleets; kill -9, SIGSTOP past the TTL and a"
        + " database restart mid-rollout";
  }

  /** @return the suite's fleet names, {@code ha-01} ... */
  static List<String> fleetNames(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("ha-%02d", i)).toList();
  }

  @Override
  public int run(Options options, PrintStream out) {
    Path root = repositoryRoot();
    Path work;
    try {
      work = Files.createTempDirectory("molt-ha-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path envFile = work.resolve("pg-env");
    Path script = root.resolve("scripts/postgres-env.sh");
    pg(script, envFile, "up");
    List<EngineProcess> engines = new ArrayList<>();
    try {
      Map<String, String> env = readEnv(envFile);
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(env.get("MOLT_PG_URL"));
      ds.setUser(env.get("MOLT_PG_USER"));
      ds.setConnectTimeout(2);
      ds.setSocketTimeout(5);
      PostgresRolloutStore store = PostgresRolloutStore.builder(ds).build();
      List<String> fleets = fleetNames(FLEETS);
      try (HaPlatform platform = new HaPlatform(store, fleets, CAPACITY)) {
        Chaos chaos = new Chaos(platform, store, fleets, engines, work, env);
        for (int i = 1; i <= ENGINES; i++) {
          engines.add(chaos.start("engine-" + i));
        }
        List<String> violations = new ArrayList<>();
        chaos.converge(violations, "deploy v1");

        chaos.round(2, () -> chaos.kill(engines.get(0)), violations);
        engines.add(chaos.start("engine-" + (ENGINES + 1))); // the killed one's replacement
        chaos.round(3, () -> chaos.pause(engines.get(1)), violations);
        chaos.round(4, () -> pg(script, envFile, "restart"), violations);
        chaos.dbRestarts++;

        engines.forEach(EngineProcess::stop);
        int overlapping = platform.overlaps().size();
        violations.addAll(platform.overlaps());
        int stale = 0;
        int selfStops = 0;
        for (EngineProcess e : engines) {
          for (String line : e.events()) {
            if (line.contains("type=LEASE_LOST") && line.contains("reason=lease-taken")) {
              stale++;
            } else if (line.contains("type=LEASE_LOST")) {
              selfStops++;
            }
          }
        }
        violations.forEach(v -> System.err.println("ha: violation: " + v));
        out.println("ha: engines=" + ENGINES + " fleets=" + FLEETS + " kills=" + chaos.kills
            + " pauses=" + chaos.pauses + " db_restarts=" + chaos.dbRestarts + " rollouts="
            + platform.rollouts() + " overlapping_holders=" + overlapping
            + " stale_writes_refused=" + stale + " self_stops=" + selfStops + " violations="
            + violations.size());
        List<Long> takeovers = chaos.takeovers(platform.calls());
        long median = takeovers.isEmpty() ? -1 : takeovers.get(takeovers.size() / 2);
        long worst = takeovers.isEmpty() ? -1 : takeovers.get(takeovers.size() - 1);
        out.println("ha_takeover: samples=" + takeovers.size() + " median_ms=" + median
            + " worst_ms=" + worst + " bound_ms=" + TTL.plus(TICK).toMillis());
        return violations.isEmpty() ? 0 : 1;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      engines.forEach(EngineProcess::kill);
      pg(script, envFile, "down");
    }
  }

  /** The faults and their bookkeeping. */
  private static final class Chaos {
    private final HaPlatform platform;
    private final PostgresRolloutStore store;
    private final List<String> fleets;
    private final List<EngineProcess> engines;
    private final Path work;
    private final Map<String, String> env;
    /** Per fault: when it struck, the engine it struck, and the leases that engine held then. */
    private final List<Fault> faults = new ArrayList<>();
    int kills;
    int pauses;
    int dbRestarts;

    private record Fault(Instant at, String engine, Map<String, Lease> held) {}

    Chaos(HaPlatform platform, PostgresRolloutStore store, List<String> fleets,
        List<EngineProcess> engines, Path work, Map<String, String> env) {
      this.platform = platform;
      this.store = store;
      this.fleets = fleets;
      this.engines = engines;
      this.work = work;
      this.env = env;
    }

    EngineProcess start(String identity) {
      return EngineProcess.start(identity, work, List.of(platform.uri().toString(), identity,
          env.get("MOLT_PG_URL"), env.get("MOLT_PG_USER"), Integer.toString(FLEETS),
          Integer.toString(CAPACITY), Long.toString(TTL.toMillis())));
    }

    /** Declares {@code version}, waits for rollouts to be under way, strikes, and converges. */
    void round(int version, Runnable fault, List<String> violations) {
      platform.declare(version);
      boolean rolling = waitFor(Duration.ofSeconds(30), () -> !store.unfinished().isEmpty()
          && platform.unconverged().size() >= fleets.size() / 2);
      if (!rolling) {
        violations.add("v" + version + ": no rollouts under way within 30 s of declaring it");
      }
      fault.run();
      converge(violations, "v" + version);
    }

    void converge(List<String> violations, String round) {
      boolean done = waitFor(ROUND_DEADLINE, () -> platform.unconverged().isEmpty()
          && unfinishedOrEmpty().isEmpty());
      if (!done) {
        violations.add(round + ": not converged within " + ROUND_DEADLINE.toMinutes() + " min: "
            + platform.unconverged() + " unfinished=" + unfinishedOrEmpty().size());
      }
    }

    private List<?> unfinishedOrEmpty() {
      try {
        return store.unfinished();
      } catch (RuntimeException e) {
        return List.of("store unreachable");
      }
    }

    private Map<String, Lease> heldBy(String engine) {
      Map<String, Lease> held = new LinkedHashMap<>();
      for (String f : fleets) {
        store.lease(f).filter(l -> l.holder().equals(engine)).ifPresent(l -> held.put(f, l));
      }
      return held;
    }

    void kill(EngineProcess e) {
      Map<String, Lease> held = heldBy(e.identity());
      e.kill();
      faults.add(new Fault(Instant.now(), e.identity(), held));
      kills++;
    }

    void pause(EngineProcess e) {
      Map<String, Lease> held = heldBy(e.identity());
      Instant at = Instant.now();
      e.signal("STOP");
      faults.add(new Fault(at, e.identity(), held));
      pauses++;
      // stopped for twice the TTL, and until the others hold every fleet it held
      waitFor(TTL.multipliedBy(6), () -> Instant.now().isAfter(at.plus(TTL.multipliedBy(2)))
          && held.keySet().stream().allMatch(f -> store.lease(f)
              .filter(l -> !l.holder().equals(e.identity())).isPresent()));
      e.signal("CONT");
    }

    /**
     * @return for each fleet a struck engine held, the milliseconds from its lease's expiry to
     *     the first call another engine made on the fleet, sorted
     */
    List<Long> takeovers(List<HaPlatform.Call> calls) {
      List<Long> out = new ArrayList<>();
      for (Fault fault : faults) {
        fault.held().forEach((fleet, lease) -> calls.stream()
            .filter(c -> c.fleet().equals(fleet) && !c.engine().equals(fault.engine())
                && c.at().isAfter(fault.at()))
            .findFirst()
            .ifPresent(c -> {
              long ms = Math.max(0, Duration.between(lease.expiresAt(), c.at()).toMillis());
              System.err.println("ha: takeover fleet=" + fleet + " from=" + fault.engine()
                  + " struck=" + fault.at() + " expired=" + lease.expiresAt() + " by="
                  + c.engine() + " first_call=" + c.operation() + "@" + c.at() + " ms=" + ms);
              out.add(ms);
            }));
      }
      out.sort(null);
      return out;
    }
  }

  /** Waits until {@code condition} holds, polling every 100 ms, at most {@code deadline}. */
  static boolean waitFor(Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException e) {
        // the store is restarting: ask again
      }
      if (System.nanoTime() >= end) {
        return false;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100); // a bounded poll of a condition, in the benchmark only
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static void pg(Path script, Path envFile, String command) {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("MOLT_PG_ENV_FILE", envFile.toString());
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(envFile.resolveSibling("pg.log").toFile()));
    try {
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " " + command + " failed; see "
            + envFile.resolveSibling("pg.log"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during postgres-env.sh " + command, e);
    }
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.startsWith("export ") ? line.substring(7) : line;
      int eq = l.indexOf('=');
      if (eq > 0) {
        env.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim().replaceAll("^['\"]|['\"]$",
            ""));
      }
    }
    return env;
  }

  /** @return the checkout this jar was built in: the nearest parent holding scripts/ */
  private static Path repositoryRoot() {
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    Optional.ofNullable(HaSuite.class.getProtectionDomain().getCodeSource())
        .map(s -> Path.of(java.net.URI.create(s.getLocation().toString())))
        .ifPresent(starts::add);
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("scripts/postgres-env.sh"))) {
          return p;
        }
      }
    }
    throw new IllegalStateException("cannot find scripts/postgres-env.sh above " + starts
        + "; run the suite from the Molt checkout");
  }
}
