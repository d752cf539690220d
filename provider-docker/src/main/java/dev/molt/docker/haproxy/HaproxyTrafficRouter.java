package dev.molt.docker.haproxy;

import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.ProviderException;
import dev.molt.Revision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *   <li>{@link #setWeights} gives each revision a share of the traffic, split evenly over its
 *       servers in rotation, in one runtime API call;
 *   <li>{@link #drain} stops new traffic to instances and lets in-flight requests finish ({@link
 *       #servers()} then shows their sessions reaching 0);
 *   <li>{@link #remove} puts servers in maintenance, ends their sessions and deletes them.
 * </ul>
 *
 * Until {@link #setWeights} is first called every server in rotation has the same weight, so
 * traffic follows the instance count (a rolling update). Which revision a server runs is learnt
 * from the instances given to {@link #add}, {@link #admit} and {@link #adopt}; an engine that
 * restarts rebuilds it by adopting the observed fleet.
 *
 * <p>The backend must exist in HAProxy's configuration (it may start with no servers); for HTTP
 * health checks give it {@code option httpchk}. Thread-safe: changes are serialized, so weights
 * computed from the servers seen are not overtaken by a concurrent change through this router.
 */
public final class HaproxyTrafficRouter {
  private static final Logger LOG = LoggerFactory.getLogger(HaproxyTrafficRouter.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final int MAX_WEIGHT = 256;
  private static final int EQUAL_WEIGHT = 100;

  private final HaproxyRuntime runtime;
  private final String backend;
  private final boolean healthChecks;
  private final Duration checkInterval;
  private final Map<String, Revision> revisions = new ConcurrentHashMap<>();
  private volatile Optional<Map<Revision, Integer>> shares = Optional.empty();

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
   * Puts instances in rotation, adding those not registered yet, and re-spreads each touched
   * revision's share over its servers, in one runtime API call.
   *
   * @param instances healthy instances
   * @throws ProviderException if HAProxy refuses or cannot be reached
   */
  public synchronized void admit(Collection<Instance> instances) {
    Map<String, HaproxyServer> known = serversByName();
    List<Instance> missing = instances.stream().filter(i -> !known.containsKey(server(i))).toList();
    add(missing);
    List<String> commands = new ArrayList<>();
    Map<String, Integer> weights = weightsFor(serversByName(), instances);
    for (Instance i : instances) {
      commands.add("set server " + backend + "/" + server(i) + " state ready");
    }
    weights.forEach((s, w) -> commands.add(0, "set server " + backend + "/" + s + " weight " + w));
    expectSilence("admit", backend, runtime.executeAll(commands));
    LOG.info("backend={} action=admit servers={}", backend, instances.size());
  }

  /**
   * Gives each revision a share of the traffic, in percent, split evenly over its servers in
   * rotation; revisions not named get none. All weights change in one runtime API call. Servers
   * admitted later get their revision's share too.
   *
   * @param percentages revision to share, each 0..100, summing to 100
   * @throws InvalidSpecException if the shares are out of range or do not sum to 100
   * @throws ProviderException if HAProxy refuses or cannot be reached
   */
  public synchronized void setWeights(Map<Revision, Integer> percentages) {
    int sum = 0;
    for (Map.Entry<Revision, Integer> e : percentages.entrySet()) {
      if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 100) {
        throw new InvalidSpecException("weights[" + e.getKey() + "]",
            "must be in 0..100, was " + e.getValue());
      }
      sum += e.getValue();
    }
    if (sum != 100) {
      throw new InvalidSpecException("weights", "must sum to 100, was " + sum + ": " + percentages);
    }
    shares = Optional.of(Map.copyOf(percentages));
    List<String> commands = new ArrayList<>();
    weightsFor(serversByName(), List.of()).forEach(
        (s, w) -> commands.add("set server " + backend + "/" + s + " weight " + w));
    expectSilence("set-weights", backend, runtime.executeAll(commands));
    LOG.info("backend={} action=set-weights weights={}", backend, percentages);
  }

  /**
   * Reads the share of traffic each revision gets now, from the weights of servers in rotation.
   *
   * @return revision to percent (rounded), only revisions with servers in rotation; empty when
   *     none is in rotation
   * @throws ProviderException if HAProxy cannot be reached
   */
  public Map<Revision, Integer> weights() {
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
   * Weights for the servers in rotation plus {@code joining}. Equal weights until shares are set;
   * then each revision's share is divided by its server count, scaled so the largest weight fits
   * HAProxy's 256.
   */
  private Map<String, Integer> weightsFor(Map<String, HaproxyServer> now, Collection<Instance> joining) {
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
    return Weights.spread(members, shares, EQUAL_WEIGHT, MAX_WEIGHT);
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
      if (runtime == null) {
        throw new InvalidSpecException("runtime", "is required but was null");
      }
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
