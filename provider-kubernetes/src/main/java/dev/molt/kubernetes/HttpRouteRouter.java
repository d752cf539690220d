package dev.molt.kubernetes;

import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.TrafficRouter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes {@link TrafficRouter}: a Gateway API {@code HTTPRoute} per fleet whose single
 * rule sends to one Service per revision by weight, or to the fleet's shared Service (every
 * serving pod that is not held) when no split is in force. A split is one update of the route,
 * carrying the resourceVersion read just before it: a concurrent writer makes it fail with 409, a
 * retryable {@link ProviderException}, and the route is unchanged. Routes and Services without
 * Molt's owner labels for the fleet are refused, never changed. Thread-safe (no state but the
 * cluster's).
 */
final class HttpRouteRouter implements TrafficRouter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRouteRouter.class);

  private final KubernetesClient client;
  private final String namespace;
  private final GatewayRoute config;

  HttpRouteRouter(KubernetesClient client, String namespace, GatewayRoute config) {
    this.client = client;
    this.namespace = namespace;
    this.config = config;
  }

  GatewayRoute config() {
    return config;
  }

  @Override
  public void setWeights(String fleet, Map<Revision, Integer> weights) {
    RouteMapping.checkFleet(fleet);
    TrafficRouter.checkSplit(fleet, weights);
    apply(fleet, weights, route("shift", fleet));
  }

  /**
   * Applies a checked split to the fleet's route as read ({@code existing}, empty if there is
   * none): one create or one update guarded by the read's resourceVersion.
   */
  void apply(String fleet, Map<Revision, Integer> weights, Optional<HTTPRoute> existing) {
    if (weights.isEmpty()) {
      ensureService("shift", fleet, Optional.empty());
      // held pods join the shared Service before the route sends there
      unhold("shift", fleet, held -> !"false".equals(held));
    } else {
      weights.keySet().forEach(r -> ensureService("shift", fleet, Optional.of(r)));
    }
    HTTPRoute route = RouteMapping.route(existing, config, namespace, fleet, weights);
    String name = config.routeName(fleet);
    KubeErrors.run("shift", "httproute " + name, () -> {
      if (existing.isPresent()) {
        routes().resource(route).update(); // guarded: carries the resourceVersion read above
      } else {
        routes().resource(route).create();
      }
    });
    confirm(fleet, weights);
    LOG.info("fleet={} action=shift httproute={} weights={}", fleet, name, weights);
    if (!weights.isEmpty()) {
      // the split now decides every revision's share: held pods may join the shared Service
      unhold("shift", fleet, held -> !"false".equals(held));
    }
    removeStaleServices(fleet, weights.keySet());
  }

  @Override
  public Map<Revision, Integer> weights(String fleet) {
    RouteMapping.checkFleet(fleet);
    Optional<HTTPRoute> route = route("weights", fleet);
    route.ifPresent(r -> refuseRejected("weights", r));
    return route.map(r -> RouteMapping.weights(r, fleet)).orElse(Map.of());
  }

  /**
   * Reads the route back after a shift: the backends must carry exactly the weights set, and no
   * Gateway may have rejected the route's current generation ({@code Accepted=False} or {@code
   * ResolvedRefs=False} in its {@code status.parents}); otherwise the step fails, non-retryably,
   * in the platform's words.
   */
  private void confirm(String fleet, Map<Revision, Integer> wanted) {
    HTTPRoute read = route("shift", fleet).orElseThrow(() -> new ProviderException("shift",
        "httproute " + config.routeName(fleet), true, "the HTTPRoute was gone right after it"
        + " was written"));
    Map<Revision, Integer> applied = RouteMapping.weights(read, fleet);
    if (!applied.equals(wanted)) {
      throw new ProviderException("shift", "httproute " + config.routeName(fleet), true,
          "the HTTPRoute reads back weights " + applied + " after " + wanted + " was set");
    }
    refuseRejected("shift", read);
  }

  /** Fails when a Gateway rejected the route's current generation. */
  private void refuseRejected(String operation, HTTPRoute route) {
    String rejected = RouteMapping.rejection(route).orElse(null);
    if (rejected != null) {
      throw new ProviderException(operation, "httproute " + route.getMetadata().getName(), false,
          "the Gateway rejected HTTPRoute " + route.getMetadata().getName() + ": " + rejected);
    }
  }

  /**
   * Makes sure a fleet about to launch has its shared Service and its HTTPRoute (sending there,
   * unless a split is in force), refusing foreign ones before anything is launched.
   */
  void prepare(String fleet) {
    RouteMapping.checkFleet(fleet);
    Optional<HTTPRoute> existing = route("launch", fleet);
    if (ensureService("launch", fleet, Optional.empty())) {
      // pods made before the fleet was routed have no molt.dev/held label, which the shared
      // Service's selector requires: label them (and their templates) not held
      unhold("launch", fleet, held -> held == null);
    }
    if (existing.isEmpty()) {
      HTTPRoute route = RouteMapping.route(Optional.empty(), config, namespace, fleet, Map.of());
      KubeErrors.run("launch", "httproute " + route.getMetadata().getName(),
          () -> routes().resource(route).create());
      LOG.info("fleet={} action=route httproute={} to={}", fleet, route.getMetadata().getName(),
          RouteMapping.sharedService(fleet));
    }
  }

  /** @return the fleet's HTTPRoute if it exists; refuses one without Molt's owner labels */
  private Optional<HTTPRoute> route(String operation, String fleet) {
    String name = config.routeName(fleet);
    HTTPRoute route = KubeErrors.call(operation, "httproute " + name,
        () -> routes().withName(name).get());
    if (route != null && !RouteMapping.owned(route, fleet)) {
      throw new ProviderException(operation, "httproute " + name, false, "HTTPRoute " + name
          + " exists without Molt's owner labels (" + OwnerLabels.MANAGED_BY + "="
          + OwnerLabels.MANAGER + ", " + OwnerLabels.FLEET + "=" + fleet + "); Molt does not"
          + " change it. Name the fleet's route otherwise (GatewayRoute.withRouteName) or label"
          + " it as Molt's to hand it over");
    }
    return Optional.ofNullable(route);
  }

  /**
   * Creates the shared or a revision's Service if absent; refuses a foreign one of its name.
   *
   * @return whether it was created
   */
  private boolean ensureService(String operation, String fleet, Optional<Revision> revision) {
    Service wanted = RouteMapping.service(namespace, fleet, revision, config.port());
    String name = wanted.getMetadata().getName();
    return KubeErrors.call(operation, "service " + name, () -> {
      Service found = client.services().inNamespace(namespace).withName(name).get();
      if (found == null) {
        client.services().inNamespace(namespace).resource(wanted).create();
        return true;
      } else if (!RouteMapping.owned(found, fleet)) {
        throw new ProviderException(operation, "service " + name, false, "Service " + name
            + " exists without Molt's owner labels for fleet " + fleet + "; Molt does not"
            + " route to or change it. Remove or rename it");
      }
      return false;
    });
  }

  /**
   * Labels {@code molt.dev/held=false} the fleet's pods, and the pod templates of its
   * ReplicaSets, whose {@code molt.dev/held} value (null if absent) {@code which} accepts: one
   * list of each, a merge patch per object changed. Ending every hold accepts anything but
   * {@code false}.
   */
  private void unhold(String operation, String fleet, Predicate<String> which) {
    String unheld = "{\"metadata\":{\"labels\":{\"" + RouteMapping.HELD + "\":\"false\"}}}";
    List<String> ended = new ArrayList<>();
    KubeErrors.run(operation, "fleet " + fleet, () -> {
      for (ReplicaSet rs : client.apps().replicaSets().inNamespace(namespace)
          .withLabels(PodTemplates.fleetSelector(fleet)).list().getItems()) {
        Map<String, String> labels = rs.getSpec().getTemplate().getMetadata().getLabels();
        if (labels != null && which.test(labels.get(RouteMapping.HELD))) {
          String name = rs.getMetadata().getName();
          if (patchUnlessGone(() -> client.apps().replicaSets().inNamespace(namespace)
              .withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                  "{\"spec\":{\"template\":" + unheld + "}}"))) {
            ended.add(name);
          }
        }
      }
      // filtered here: set-based selectors (!label) are not understood everywhere (the mock)
      for (Pod pod : client.pods().inNamespace(namespace)
          .withLabels(PodTemplates.fleetSelector(fleet)).list().getItems()) {
        if (pod.getMetadata().getDeletionTimestamp() != null
            || !which.test(pod.getMetadata().getLabels().get(RouteMapping.HELD))) {
          continue;
        }
        String name = pod.getMetadata().getName();
        if (patchUnlessGone(() -> client.pods().inNamespace(namespace).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), unheld))) {
          ended.add(name);
        }
      }
    });
    if (!ended.isEmpty()) {
      LOG.info("fleet={} action=unhold objects={}", fleet, ended);
    }
  }

  /** @return false if the object was gone (deleted since it was listed: nothing to label) */
  private static boolean patchUnlessGone(Runnable patch) {
    try {
      patch.run();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Deletes the fleet's revision Services the route no longer sends to (one list). */
  private void removeStaleServices(String fleet, Set<Revision> routed) {
    Set<String> keep = routed.stream().map(Revision::id).collect(Collectors.toSet());
    List<String> removed = new ArrayList<>();
    KubeErrors.run("shift", "fleet " + fleet, () -> {
      for (Service s : client.services().inNamespace(namespace)
          .withLabels(RouteMapping.ownerLabels(fleet)).list().getItems()) {
        String revision = s.getMetadata().getLabels().get(OwnerLabels.REVISION);
        if (revision != null && !keep.contains(revision)) {
          client.services().inNamespace(namespace).withName(s.getMetadata().getName()).delete();
          removed.add(s.getMetadata().getName());
        }
      }
    });
    if (!removed.isEmpty()) {
      LOG.info("fleet={} action=unroute services={}", fleet, removed);
    }
  }

  private NonNamespaceOperation<HTTPRoute, HTTPRouteList, Resource<HTTPRoute>> routes() {
    return client.resources(HTTPRoute.class, HTTPRouteList.class).inNamespace(namespace);
  }
}
