package dev.molt.kubernetes;

import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The traffic router's objects, both ways, with no API calls: the fleet's shared Service (every
 * serving pod not held), one Service per revision (its serving pods), and the fleet's HTTPRoute
 * whose single rule sends to the revision Services by weight, or to the shared Service when no
 * split is in force; and back from an HTTPRoute to the split it applies.
 */
final class RouteMapping {
  /** Pod label: {@code true} while a held launch's pods wait for a split (not shared). */
  static final String HELD = "molt.dev/held";
  /** Suffix of the fleet's shared Service (even sharing, no split). */
  static final String SHARED = "-shared";

  private RouteMapping() {}

  /**
   * Checks that a fleet's name can name its Services (DNS-1035 labels start with a letter).
   *
   * @throws InvalidSpecException if it cannot
   */
  static String checkFleet(String fleet) {
    PodTemplates.checkFleet(fleet);
    if (!Character.isLetter(fleet.charAt(0))) {
      throw new InvalidSpecException("fleet", "'" + fleet + "' cannot name a Service (a"
          + " routed fleet's Services are named after it): start it with a letter");
    }
    return fleet;
  }

  /** @return the name of the fleet's shared Service: {@code <fleet>-shared} */
  static String sharedService(String fleet) {
    return fleet + SHARED;
  }

  /** @return the name of a revision's Service: {@code <fleet>-<revision>}, as its ReplicaSet */
  static String revisionService(String fleet, Revision revision) {
    return fleet + "-" + revision.id();
  }

  /** @return the labels every router object carries: manager and fleet */
  static Map<String, String> ownerLabels(String fleet) {
    return PodTemplates.fleetSelector(fleet);
  }

  /** @return whether an object carries Molt's owner labels for the fleet */
  static boolean owned(HasMetadata object, String fleet) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && OwnerLabels.isOwned(labels, fleet);
  }

  /**
   * The selector of the shared Service: the fleet's pods Molt owns that serve (not drained) and
   * are not held.
   */
  static Map<String, String> sharedSelector(String fleet) {
    Map<String, String> s = new LinkedHashMap<>(PodTemplates.fleetSelector(fleet));
    s.put(PodTemplates.SERVING, "true");
    s.put(HELD, "false");
    return s;
  }

  /** The selector of a revision's Service: its pods that serve (not drained), held or not. */
  static Map<String, String> revisionSelector(String fleet, Revision revision) {
    Map<String, String> s = new LinkedHashMap<>(PodTemplates.selector(fleet, revision));
    s.put(PodTemplates.SERVING, "true");
    return s;
  }

  /** @return the fleet's shared Service, or a revision's Service, exposing {@code port} */
  static Service service(String namespace, String fleet, Optional<Revision> revision, int port) {
    Map<String, String> labels = new LinkedHashMap<>(ownerLabels(fleet));
    revision.ifPresent(r -> labels.put(OwnerLabels.REVISION, r.id()));
    return new ServiceBuilder()
        .withNewMetadata()
          .withName(revision.map(r -> revisionService(fleet, r)).orElse(sharedService(fleet)))
          .withNamespace(namespace)
          .withLabels(labels)
        .endMetadata()
        .withNewSpec()
          .withSelector(revision.map(r -> revisionSelector(fleet, r))
              .orElse(sharedSelector(fleet)))
          .addNewPort().withName("http").withProtocol("TCP").withPort(port)
              .withTargetPort(new IntOrString(port)).endPort()
        .endSpec()
        .build();
  }

  /**
   * The fleet's HTTPRoute applying {@code weights}: {@code existing} (its metadata, with the
   * resourceVersion that guards the update, its parents and its rule's matches and filters) with
   * one rule whose backends are the split; a new route with Molt's owner labels, attached to the
   * Gateway, if there is none.
   */
  static HTTPRoute route(Optional<HTTPRoute> existing, GatewayRoute config, String namespace,
      String fleet, Map<Revision, Integer> weights) {
    HTTPRoute route = existing.map(r -> new HTTPRouteBuilder(r).build())
        .orElseGet(() -> newRoute(config, namespace, fleet));
    HTTPRouteRuleBuilder rule = route.getSpec().getRules() == null
        || route.getSpec().getRules().isEmpty() ? new HTTPRouteRuleBuilder()
        : new HTTPRouteRuleBuilder(route.getSpec().getRules().get(0));
    route.getSpec().setRules(List.of(rule.withBackendRefs(backends(config, fleet, weights))
        .build()));
    return route;
  }

  private static HTTPRoute newRoute(GatewayRoute config, String namespace, String fleet) {
    ParentReferenceBuilder parent = new ParentReferenceBuilder().withName(config.gateway())
        .withGroup("gateway.networking.k8s.io").withKind("Gateway");
    config.gatewayNamespace().ifPresent(parent::withNamespace);
    return new HTTPRouteBuilder()
        .withNewMetadata()
          .withName(config.routeName(fleet))
          .withNamespace(namespace)
          .withLabels(ownerLabels(fleet))
        .endMetadata()
        .withNewSpec()
          .withParentRefs(parent.build())
        .endSpec()
        .build();
  }

  /** @return the rule's backends: the revision Services by weight, or the shared Service */
  static List<HTTPBackendRef> backends(GatewayRoute config, String fleet,
      Map<Revision, Integer> weights) {
    List<HTTPBackendRef> refs = new ArrayList<>();
    if (weights.isEmpty()) {
      refs.add(backend(sharedService(fleet), config.port(), 1));
    } else {
      new TreeMap<>(weights).forEach((revision, weight) ->
          refs.add(backend(revisionService(fleet, revision), config.port(), weight)));
    }
    return refs;
  }

  private static HTTPBackendRef backend(String service, int port, int weight) {
    return new HTTPBackendRefBuilder().withGroup("").withKind("Service").withName(service)
        .withPort(port).withWeight(weight).build();
  }

  /**
   * Reads the split an HTTPRoute applies: the weight of each revision Service among its first
   * rule's backends; empty when it sends to the shared Service (or has no rule). Backends that
   * are not the fleet's Services are ignored.
   */
  static Map<Revision, Integer> weights(HTTPRoute route, String fleet) {
    Map<Revision, Integer> out = new LinkedHashMap<>();
    List<HTTPRouteRule> rules = route.getSpec() == null ? null : route.getSpec().getRules();
    if (rules == null || rules.isEmpty() || rules.get(0).getBackendRefs() == null) {
      return out;
    }
    String prefix = fleet + "-";
    for (HTTPBackendRef ref : rules.get(0).getBackendRefs()) {
      String name = ref.getName();
      if (name == null || !name.startsWith(prefix) || name.equals(sharedService(fleet))) {
        continue;
      }
      revisionOf(name.substring(prefix.length())).ifPresent(r ->
          out.put(r, ref.getWeight() == null ? 1 : ref.getWeight()));
    }
    return out;
  }

  /**
   * @return what a Gateway said when it rejected the route's current generation: the first
   *     {@code Accepted} or {@code ResolvedRefs} condition with status {@code False} whose
   *     observed generation is the route's (or unknown), as {@code Accepted=False reason:
   *     message (parent gateway)}; empty if none did
   */
  static Optional<String> rejection(HTTPRoute route) {
    if (route.getStatus() == null || route.getStatus().getParents() == null) {
      return Optional.empty();
    }
    Long generation = route.getMetadata().getGeneration();
    for (var parent : route.getStatus().getParents()) {
      if (parent.getConditions() == null) {
        continue;
      }
      for (var c : parent.getConditions()) {
        boolean current = generation == null || c.getObservedGeneration() == null
            || c.getObservedGeneration().equals(generation);
        if (current && "False".equals(c.getStatus())
            && ("Accepted".equals(c.getType()) || "ResolvedRefs".equals(c.getType()))) {
          String gateway = parent.getParentRef() == null ? "?" : parent.getParentRef().getName();
          return Optional.of(c.getType() + "=False " + c.getReason() + ": " + c.getMessage()
              + " (parent " + gateway + ")");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Revision> revisionOf(String id) {
    try {
      return Optional.of(Revision.of(id));
    } catch (InvalidSpecException e) {
      return Optional.empty();
    }
  }
}
