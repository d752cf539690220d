/**
 * Molt's Kubernetes {@link dev.molt.store.RolloutStore}: {@link
 * dev.molt.kubernetes.store.KubernetesRolloutStore}. Fleet leases are {@code
 * coordination.k8s.io/v1} Lease objects with fencing tokens, rollout records and control requests
 * ConfigMaps, every write a compare-and-swap on the resourceVersion. See {@code
 * docs/store-kubernetes.md}.
 */
package dev.molt.kubernetes.store;
