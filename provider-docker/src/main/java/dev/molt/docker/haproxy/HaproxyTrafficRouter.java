package dev.molt.docker.haproxy;

import dev.molt.Arguments;
import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.TrafficRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes an HAProxy backend's traffic to a fleet's instances through the runtime API: one HAProxy
 * server per instance, named by the instance id, added without a reload.
 *
 * <ul>
 *   <li>{@link #add} registers an instance in maintenance (no traffic) with HAProxy's own health
 *       check on, so a container that dies is taken out by HAProxy within a check interval;
 *   <li>{@link #admit} puts healthy instances in rotation, weighted by their revision's share;
 *   <li>{@link #setWeights} (the {@link TrafficRouter} SPI) gives each revision a share of the
 *       traffic, split over its servers in rotation, in one runtime API call. Weights are exact:
 *       80/20 over 5 + 1 servers sets weights 4 and 5, so HAProxy's smooth weighted round robin
 *       sends v2 exactly 1 request in 5; only when exact weights exceed HAProxy's 256 are they
 *       scaled and rounded;
 *   <li>{@link #drain} stops new traffic to instances and lets in-flight requests finish ({@link
 *       #servers()} then shows their sessions reaching 0);
 *   <li>{@link #remove} puts servers in maintenance, ends their sessions and deletes them.
 * </ul>
 *
 * Until {@link #setWeights} is first called (and after it is called with no shares) every server
 * in rotation has the same weight, so traffic follows the instance count (a rolling update). A
 * server joining a revision whose share is 0 (green previewed beside blue) joins with weight 0.
 * A server {@linkplain #hold held} at launch (a canary, whose traffic moves only by split) joins
 * with weight 0 too while no split is set and another server serves, so a canary gets no share by
 * merely becoming ready; the next {@link #setWeights} decides for it. Holds live in this object:
 * after a restart the split read back from HAProxy's weights decides.
 * One router serves one backend, which serves one fleet: the first {@code setWeights} binds it.
 * Which revision a server runs is learnt from the instances given to {@link #add}, {@link #admit} and {@link #adopt}; an engine that
 * restarts rebuilds it by adopting the observed fleet.
 *
 * <p>The backend must exist in HAProxy's configuration (it may start with no servers); for HTTP
 * health checks give it {@code option httpchk}. Thread-safe: changes are serialized, so weights
 * computed from the servers seen are not overtaken by a concurrent change through this router.
 */
public final class HaproxyTrafficRouter implements TrafficRouter {
  private static final Logger LOG = LoggerFactory.getLogger(HaproxyTrafficRouter.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final int MAX_WEIGHT = 256;
  private static final int EQUAL_WEIGHT = 100;

  private final HaproxyRuntime runtime;
  private final String backend;
  private final boolean healthChecks;
  private final Duration checkInterval;
  private final Map<String, Revision> revisions = new ConcurrentHashMap<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private volatile Optional<Map<Revision, Integer>> shares = Optional.empty();
  private volatile String fleet;

  private HaproxyTrafficRouter(Builder b) {
    this.runtime = b.runtime;
    this.backend = b.backend;
    this.healthChecks = b.healthChecks;
    this.checkInterval = b.checkInterval;
  }

  /**
   * Starts a builder.
   *
   * @param runtime the runtime API client
   * @param backend the backend whose servers Molt manages (it must manage no others)
   * @return a builder with HAProxy health checks every 1 s
   */
  public static Builder builder(HaproxyRuntime runtime, String backend) {
    return new Builder(runtime, backend);
  }

  /** @return the backend name */
  public String backend() {
    return backend;
  }

  /**
   * Holds instances out of an even share: while no split is set, their servers are admitted with
   * weight 0 (unless no other server would serve). The next {@link #setWeights} call, which gives
   * their revision its share, ends every hold.
   *
   * @param instances instances just launched, registered or not
   */
  public void hold(Collection<Instance> instances) {
    instances.forEach(i -> held.add(server(i)));
  }

  /**
   * Registers instances as servers in maintenance: they get no traffic until {@link #admit}.
   * Already registered servers are left as they are.
   *
   * @param instances instances with an address
   * @throws ProviderException if HAProxy refuses or cannot be reached
   */
  public synchronized void add(Collection<Instance> instances) {
    for (Instance i : instances) {
      String server = server(i);
      revisions.put(server, i.revision());
      String address = i.address().orElseThrow(() -> new ProviderException("route", server,
          false, "instance has no address yet; add it once it runs"));
      String check = healthChecks ? " check inter " + checkInterval.toMillis() + " rise 1 fall 1" : "";
      String answer = runtime.execute("add server " + backend + "/" + server + " " + address
          + " weight " + EQUAL_WEIGHT + check); // dynamic servers start in maintenance
      if (!answer.contains("New server registered") && !answer.contains("lready exists")) {
        throw refused("add", server, answer);
      }
      if (healthChecks) {
        expectSilence("add", server, runtime.execute("enable health " + backend + "/" + server));
      }
      LOG.info("backend={} server={} address={} action=add state=maint", backend, server, address);
    }
  }

  /**
   * Puts instances in rotation, adding those not registered yet, and re-spreads every revision's
   * share over its servers, in one runtime API call: a server of a revision whose share is 0 joins
   * with weight 0 and gets no traffic until a split gives it some.
   *
   * @param instances healthy instances
   * @throws ProviderException if HAProxy refuses or cannot be reached
   */
  public synchronized void admit(Collection<Instance> instances) {
    adopt(instances);
    Map<String, HaproxyServer> known = serversByName();
    List<Instance> missing = instances.stream().filter(i -> !known.containsKey(server(i))).toList();
    add(missing);
    Map<String, HaproxyServer> now = missing.isEmpty() ? known : serversByName();
    List<String> commands = weightCommands(now, weightsFor(now, instances, shares));
    for (Instance i : instances) {
      commands.add("set server " + backend + "/" + server(i) + " state ready");
    }
    expectSilence("admit", backend, runtime.executeAll(commands));
    LOG.info("backend={} action=admit servers={}", backend, instances.size());
  }

  /**
   * Routes the fleet's traffic by these shares, each spread evenly over its revision's servers in
   * rotation (exactly when HAProxy's weight range allows, see the class comment); revisions not
   * named get none. Every weight changes in <b>one</b> runtime API call, raised weights before
   * lowered ones, so no moment leaves the backend without a server with weight. Servers admitted
   * later get their revision's share too. Empty clears the split: every server in rotation then
   * weighs the same.
   *
   * @param fleet the fleet this backend serves; the first call binds the router to it
   * @param percentages revision to share, each 0..100, summing to 100; or empty
   * @throws ProviderException non-retryable if the shares are out of range, do not sum to 100 or
   *     name another fleet than the one bound; retryable if HAProxy cannot be reached
   */
  @Override
  public synchronized void setWeights(String fleet, Map<Revision, Integer> percentages) {
    bind(fleet);
    TrafficRouter.checkSplit(fleet, percentages);
    Optional<Map<Revision, Integer>> next = percentages.isEmpty() ? Optional.empty()
        : Optional.of(Map.copyOf(percentages));
    Map<String, HaproxyServer> now = serversByName();
    List<String> commands = weightCommands(now, weightsFor(now, List.of(), next));
    if (!commands.isEmpty()) {
      expectSilence("set-weights", backend, runtime.executeAll(commands));
    }
    shares = next; // only once HAProxy applied it: a failed switch must not read back as done
    held.clear(); // from now on the split, or its absence, decides for every server
    LOG.info("fleet={} backend={} action=set-weights weights={}", fleet, backend, percentages);
  }

  /**
   * The split in force: the shares last set, or, after a restart (nothing set through this
   * router), the shares HAProxy's server weights give when they are not all equal.
   *
   * @param fleet the fleet name
   * @return percent per revision; empty when no split is in force (or another fleet is asked)
   * @throws ProviderException if HAProxy cannot be reached
   */
  @Override
  public Map<Revision, Integer> weights(String fleet) {
    String bound = this.fleet;
    if (bound != null && !bound.equals(fleet)) {
      return Map.of();
    }
    Optional<Map<Revision, Integer>> set = shares;
    if (set.isPresent()) {
      return set.get();
    }
    boolean even = servers().stream().filter(s -> revisions.containsKey(s.name()))
        .filter(HaproxyServer::inRotation).allMatch(s -> s.weight() == EQUAL_WEIGHT);
    return even ? Map.of() : served();
  }

  /**
   * Reads the share of traffic each revision gets now, from the weights of servers in rotation.
   *
   * @return revision to percent (rounded), only revisions with servers in rotation; empty when
   *     none is in rotation
   * @throws ProviderException if HAProxy cannot be reached
   */
  public Map<Revision, Integer> served() {
    Map<Revision, Integer> sums = new LinkedHashMap<>();
    int total = 0;
    for (HaproxyServer s : servers()) {
      Revision r = revisions.get(s.name());
      if (r != null && s.inRotation()) {
        sums.merge(r, s.weight(), Integer::sum);
        total += s.weight();
      }
    }
    Map<Revision, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<Revision, Integer> e : sums.entrySet()) {
      out.put(e.getKey(), total == 0 ? 0 : Math.round(100f * e.getValue() / total));
    }
    return out;
  }

  /**
   * Stops sending new requests to instances; requests in flight finish.
   *
   * @param instances instances to drain
   * @throws ProviderException if HAProxy refuses or cannot be reached
   */
  public synchronized void drain(Collection<Instance> instances) {
    List<String> commands = instances.stream()
        .map(i -> "set server " + backend + "/" + server(i) + " state drain").toList();
    String answer = runtime.executeAll(commands);
    if (!answer.isBlank() && !answer.contains("No such server")) {
      throw refused("drain", backend, answer);
    }
    LOG.info("backend={} action=drain servers={}", backend, instances.size());
  }

  /**
   * Takes instances out of the backend: maintenance, sessions shut, server deleted. Servers that
   * do not exist are skipped.
   *
   * @param instances instances to remove
   * @throws ProviderException if HAProxy refuses or cannot be reached
   */
  public synchronized void remove(Collection<Instance> instances) {
    for (Instance i : instances) {
      String server = backend + "/" + server(i);
      String answer = runtime.executeAll(List.of("set server " + server + " state maint",
          "shutdown sessions server " + server, "del server " + server));
      if (!answer.contains("Server deleted") && !answer.contains("No such server")) {
        throw refused("remove", server, answer);
      }
      revisions.remove(server(i));
      held.remove(server(i));
      LOG.info("backend={} server={} action=remove", backend, server(i));
    }
  }

  /**
   * Teaches the router which revision each instance runs (after a restart, say). No HAProxy call.
   *
   * @param instances observed instances
   */
  public void adopt(Collection<Instance> instances) {
    instances.forEach(i -> revisions.put(server(i), i.revision()));
  }

  /**
   * Lists the backend's servers now, from {@code show servers state} and {@code show stat}.
   *
   * @return the servers, in HAProxy's order
   * @throws ProviderException if the backend does not exist or HAProxy cannot be reached
   */
  public List<HaproxyServer> servers() {
    return ServerTable.parse(backend, runtime.execute("show servers state " + backend),
        runtime.execute("show stat -1 4 -1"));
  }

  /**
   * The server name used for an instance: its id.
   *
   * @param instance an instance
   * @return the HAProxy server name
   * @throws InvalidSpecException if the id cannot be an HAProxy server name
   */
  public static String server(Instance instance) {
    if (!NAME.matcher(instance.id()).matches()) {
      throw new InvalidSpecException("instance.id", "'" + instance.id()
          + "' cannot name an HAProxy server (letters, digits, '_', '.', ':', '-'; up to 100)");
    }
    return instance.id();
  }

  private Map<String, HaproxyServer> serversByName() {
    Map<String, HaproxyServer> out = new LinkedHashMap<>();
    servers().forEach(s -> out.put(s.name(), s));
    return out;
  }

  /**
   * Weights for the servers in rotation plus {@code joining} under {@code split}: equal without
   * one, else each revision's share over its server count (see {@link Weights}).
   */
  private Map<String, Integer> weightsFor(Map<String, HaproxyServer> now,
      Collection<Instance> joining, Optional<Map<Revision, Integer>> split) {
    Map<Revision, List<String>> members = new LinkedHashMap<>();
    for (HaproxyServer s : now.values()) {
      Revision r = revisions.get(s.name());
      if (r != null && s.inRotation()) {
        members.computeIfAbsent(r, k -> new ArrayList<>()).add(s.name());
      }
    }
    for (Instance i : joining) {
      List<String> names = members.computeIfAbsent(i.revision(), k -> new ArrayList<>());
      if (!names.contains(server(i))) {
        names.add(server(i));
      }
    }
    Map<String, Integer> weights = Weights.spread(members, split, EQUAL_WEIGHT, MAX_WEIGHT);
    boolean othersServe = weights.keySet().stream().anyMatch(s -> !held.contains(s));
    if (split.isEmpty() && othersServe) {
      weights.replaceAll((server, w) -> held.contains(server) ? 0 : w);
    }
    return weights;
  }

  private void bind(String fleet) {
    if (this.fleet == null) {
      this.fleet = fleet;
    } else if (!this.fleet.equals(fleet)) {
      throw new ProviderException("set-weights", "fleet " + fleet, false, "backend " + backend
          + " routes fleet " + this.fleet + "; give fleet " + fleet + " a backend and router of"
          + " its own");
    }
  }

  /** The commands that change weights to {@code target}: raises first, then lowers. */
  private List<String> weightCommands(Map<String, HaproxyServer> now, Map<String, Integer> target) {
    List<String> raises = new ArrayList<>();
    List<String> lowers = new ArrayList<>();
    target.forEach((name, w) -> {
      HaproxyServer s = now.get(name);
      int before = s == null ? -1 : s.weight();
      String command = "set server " + backend + "/" + name + " weight " + w;
      if (w > before) {
        raises.add(command);
      } else if (w < before) {
        lowers.add(command);
      }
    });
    raises.addAll(lowers);
    return raises;
  }

  private static void expectSilence(String what, String resource, String answer) {
    if (!answer.isBlank()) {
      throw refused(what, resource, answer);
    }
  }

  private static ProviderException refused(String what, String resource, String answer) {
    return new ProviderException("route", resource, false,
        "HAProxy refused '" + what + "': " + answer.strip());
  }

  /** Builds a {@link HaproxyTrafficRouter}. Not thread-safe. */
  public static final class Builder {
    private final HaproxyRuntime runtime;
    private final String backend;
    private boolean healthChecks = true;
    private Duration checkInterval = Duration.ofSeconds(1);

    private Builder(HaproxyRuntime runtime, String backend) {
      Arguments.required(runtime, "runtime");
      if (backend == null || !NAME.matcher(backend).matches()) {
        throw new InvalidSpecException("backend", "must be an HAProxy backend name, was '"
            + backend + "'");
      }
      this.runtime = runtime;
      this.backend = backend;
    }

    /**
     * Turns HAProxy's own health checks of added servers on or off (default on, every 1 s).
     *
     * @param enabled whether to check
     * @return this builder
     */
    public Builder healthChecks(boolean enabled) {
      this.healthChecks = enabled;
      return this;
    }

    /**
     * Sets the interval of HAProxy's health checks (default 1 s).
     *
     * @param interval a positive interval
     * @return this builder
     */
    public Builder checkInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 1) {
        throw new InvalidSpecException("checkInterval", "must be at least 1 ms, was " + interval);
      }
      this.checkInterval = interval;
      return this;
    }

    /** @return the router */
    public HaproxyTrafficRouter build() {
      return new HaproxyTrafficRouter(this);
    }
  }
}
