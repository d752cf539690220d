/**
 * The Kubernetes provider: one ReplicaSet per revision and fleet, pods as instances, pod readiness
 * as health, a Service selector label as the drain switch, and optionally a Gateway API HTTPRoute
 * as the traffic router ({@link dev.molt.kubernetes.GatewayRoute}). Start at {@link
 * dev.molt.kubernetes.KubernetesProvider}.
 */
package dev.molt.kubernetes;
