package dev.molt.kubernetes;

import dev.molt.InvalidSpecException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a {@link KubernetesProvider}'s traffic router sends a fleet's traffic: one Gateway API
 * {@code HTTPRoute} per fleet, attached to a {@code Gateway}, whose single rule splits the fleet
 * between per-revision Services by weight (see {@link KubernetesProvider.Builder#router}).
 *
 * <pre>{@code
 * KubernetesProvider.builder().namespace("shop")
 *     .router(GatewayRoute.of("public-gateway", 8080).withRouteName("web", "web-route"))
 *     .build();
 * }</pre>
 *
 * @param gateway the name of the {@code Gateway} the routes attach to (their parent)
 * @param gatewayNamespace the Gateway's namespace; empty: the provider's namespace
 * @param port the port the Services expose and the route sends to (the pods' container port of
 *     the same number); every launched spec must declare it
 * @param routeNames route name per fleet; a fleet not named gets an HTTPRoute named after it
 */
public record GatewayRoute(String gateway, Optional<String> gatewayNamespace, int port,
    Map<String, String> routeNames) {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  /** Validates the fields. */
  public GatewayRoute {
    requireName("gateway", gateway);
    if (gatewayNamespace == null) {
      throw new InvalidSpecException("gatewayNamespace", "is required (may be empty) but was null");
    }
    gatewayNamespace.ifPresent(ns -> requireName("gatewayNamespace", ns));
    if (port < 1 || port > 65535) {
      throw new InvalidSpecException("port", "must be 1..65535, was " + port);
    }
    if (routeNames == null) {
      throw new InvalidSpecException("routeNames", "is required (may be empty) but was null");
    }
    routeNames.forEach((fleet, route) -> requireName("routeNames[" + fleet + "]", route));
    routeNames = Map.copyOf(routeNames);
  }

  /**
   * Routes every fleet through an HTTPRoute named after it, attached to {@code gateway} in the
   * provider's namespace, sending to {@code port}.
   *
   * @param gateway the Gateway's name
   * @param port the Services' and pods' port
   * @return the routing
   */
  public static GatewayRoute of(String gateway, int port) {
    return new GatewayRoute(gateway, Optional.empty(), port, Map.of());
  }

  /**
   * @param namespace the Gateway's namespace (it must allow routes from the provider's)
   * @return a copy attaching to the Gateway in {@code namespace}
   */
  public GatewayRoute inGatewayNamespace(String namespace) {
    return new GatewayRoute(gateway, Optional.of(namespace), port, routeNames);
  }

  /**
   * @param fleet a fleet
   * @param route the name of its HTTPRoute
   * @return a copy naming the fleet's HTTPRoute {@code route}
   */
  public GatewayRoute withRouteName(String fleet, String route) {
    Map<String, String> names = new LinkedHashMap<>(routeNames);
    names.put(fleet, route);
    return new GatewayRoute(gateway, gatewayNamespace, port, names);
  }

  /**
   * @param fleet a fleet
   * @return the name of its HTTPRoute: as configured, else the fleet's name
   */
  public String routeName(String fleet) {
    return routeNames.getOrDefault(fleet, fleet);
  }

  private static void requireName(String field, String name) {
    if (name == null || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new InvalidSpecException(field, "must be a Kubernetes object name (lowercase"
          + " letters, digits, '-' and '.'), was '" + name + "'");
    }
  }
}
