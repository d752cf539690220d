package dev.molt.spi;

import dev.molt.Instance;
import dev.molt.time.Cancellable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a platform must do for Molt: one unit of work per call, never waiting for convergence. The
 * engine observes, decides and calls again; it retries calls that fail with a retryable {@link
 * dev.molt.ProviderException}.
 *
 * <p>Every object a provider creates carries the {@link dev.molt.OwnerLabels}; every listing
 * filters on them, and a provider must refuse to drain or terminate an instance that does not
 * carry them (throwing a non-retryable {@code ProviderException}). Implementations must be
 * thread-safe and must throw only unchecked exceptions, translated to {@code ProviderException} at
 * their edge.
 *
 * <table>
 *   <caption>How platforms map onto the SPI</caption>
 *   <tr><th>operation</th><th>Docker</th><th>Kubernetes</th><th>AWS</th></tr>
 *   <tr><td>launch</td><td>create + start containers</td><td>create/scale the revision's
 *       ReplicaSet</td><td>RunInstances with tags and a client token</td></tr>
 *   <tr><td>observe</td><td>list containers by label</td><td>list ReplicaSets/Pods by
 *       label</td><td>DescribeInstances by tag filter</td></tr>
 *   <tr><td>health</td><td>HEALTHCHECK status or HTTP probe</td><td>pod readiness</td><td>ELBv2
 *       target health</td></tr>
 *   <tr><td>drain</td><td>HAProxy drain</td><td>remove from Service endpoints</td><td>deregister
 *       target</td></tr>
 *   <tr><td>terminate</td><td>stop + remove</td><td>scale down / delete pod</td><td>
 *       TerminateInstances</td></tr>
 * </table>
 */
public interface Provider {

  /** @return a short name for logs, such as {@code docker} or {@code in-memory} */
  String name();

  /**
   * Starts launching instances. Returns at once, never waiting for the platform to converge,
   * with the new instances it can name by then, in state {@code LAUNCHING} (or later states, if
   * the platform is quick). A platform that creates the instances in the call itself (a container
   * engine, {@code RunInstances}) names all {@code request.count()}; a platform whose own
   * controller creates them afterwards (a Kubernetes ReplicaSet) names those that exist when the
   * call returns, possibly none, and {@link #observe} shows the rest once they exist. The engine
   * counts on {@code observe}, not on this list, to see what a launch made.
   *
   * <p>Idempotent per {@link LaunchRequest#requestKey()}: a request repeated with the same key
   * (a retry after a timeout) launches nothing more and returns what it launched, as far as the
   * platform can name it.
   *
   * @param request what to launch
   * @return instances this request launched, at most {@code request.count()}; exactly that many
   *     on a platform that creates them in the call
   */
  List<Instance> launch(LaunchRequest request);

  /**
   * Lists the fleet's live instances as the platform has them now, filtered by owner labels. The
   * number of platform calls must not grow with the fleet size where the platform has batch APIs.
   *
   * @param fleet the fleet name
   * @return the instances, in any order; empty if there are none
   */
  List<Instance> observe(String fleet);

  /**
   * Judges the health of running instances by the revision's health check.
   *
   * @param fleet the fleet name
   * @param instances instances previously returned by {@link #observe}
   * @return a verdict per instance id; an id missing from the map means {@link Health#UNKNOWN}
   */
  Map<String, Health> health(String fleet, List<Instance> instances);

  /**
   * Takes instances out of traffic so that in-flight requests can finish. They then appear as
   * {@code DRAINING}, and as {@code DRAINED} once nothing is in flight.
   *
   * @param fleet the fleet name
   * @param instances owned instances of the fleet
   */
  void drain(String fleet, List<Instance> instances);

  /**
   * Destroys instances. Terminating an instance that is already gone is not an error. A platform
   * with a {@link TrafficRouter} refuses, non-retryably and touching none of them, an instance that
   * still serves traffic (healthy, not drained, its revision weighted above 0): drain it first.
   *
   * @param fleet the fleet name
   * @param instances owned instances of the fleet
   * @throws dev.molt.ProviderException if the platform failed, or refused an instance that is not
   *     Molt's or still has traffic
   */
  void terminate(String fleet, List<Instance> instances);

  /**
   * Marks an instance for replacement: sets the {@link dev.molt.OwnerLabels#TAINTED} label (tag,
   * annotation) to {@code reason}, so that the next reconcile replaces it. Tainting a tainted
   * instance replaces the reason. Like drain and terminate, it must refuse an instance without
   * Molt's owner labels. Optional: the default says the platform cannot taint; instances can then
   * still be tainted by labelling them on the platform by hand.
   *
   * @param fleet the fleet name
   * @param instance an owned instance of the fleet
   * @param reason why, such as {@code break-glass login by alice}; a platform with shorter label
   *     values may shorten it
   * @throws dev.molt.ProviderException non-retryable, by default
   */
  default void taint(String fleet, Instance instance, String reason) {
    throw new dev.molt.ProviderException("taint", "instance " + instance.id(), false,
        "the " + name() + " provider cannot label instances; set the label "
            + dev.molt.OwnerLabels.TAINTED + "=<reason> on the instance with the platform's own"
            + " tools, and the next reconcile replaces it");
  }

  /**
   * Asks to be told when something in the fleet may have changed, so the engine can observe at
   * once instead of at its next poll. Optional: the default never calls back, and the engine
   * polls.
   *
   * @param fleet the fleet name
   * @param onChange called, on any thread, after a change
   * @return a handle that ends the subscription
   */
  default Cancellable watch(String fleet, Runnable onChange) {
    return Cancellable.none();
  }

  /**
   * The platform's traffic router, if it has one. Optional: the default has none.
   *
   * @return the router that splits this platform's traffic between revisions
   */
  default Optional<TrafficRouter> router() {
    return Optional.empty();
  }

  /**
   * How long this platform typically takes to launch, pass health checks and drain, for plans.
   * Optional: the default is {@link ExpectedLatencies#defaults()}.
   *
   * @return the expected latencies
   */
  default ExpectedLatencies expectedLatencies() {
    return ExpectedLatencies.defaults();
  }
}
