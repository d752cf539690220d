/**
 * The Kubernetes provider: one ReplicaSet per revision and fleet, pods as instances, pod readiness
 * as health, a Service selector label as the drain switch. Start at {@link
 * dev.molt.kubernetes.KubernetesProvider}.
 */
package dev.molt.kubernetes;
