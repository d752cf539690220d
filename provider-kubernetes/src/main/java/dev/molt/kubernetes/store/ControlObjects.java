package dev.molt.kubernetes.store;

import dev.molt.store.ControlRequest;
import dev.molt.store.RolloutStore;
import dev.molt.store.StoreException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control requests, one ConfigMap each ({@code molt-control-<id>-<hash>}), created once and never
 * changed: a create that finds the request's object already there (409) leaves it, which makes
 * {@link RolloutStore#request} idempotent by request id. Listed by the rollout's key label,
 * checked against the exact ids in the annotations.
 */
final class ControlObjects {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRolloutStore.class);

  private final KubernetesClient client;
  private final String namespace;
  private final StoreCalls calls;

  ControlObjects(KubernetesClient client, String namespace, StoreCalls calls) {
    this.client = client;
    this.namespace = namespace;
    this.calls = calls;
  }

  void request(ControlRequest request) {
    String name = StoreObjects.controlName(request.rolloutId(), request.id());
    String what = "store control request " + request.id() + " for rollout "
        + request.rolloutId();
    Map<String, String> data = new HashMap<>();
    data.put("control", request.control().name());
    data.put("requestedBy", request.requestedBy());
    data.put("requestedAt", request.requestedAt().toString());
    request.reason().ifPresent(r -> data.put("reason", r));
    ConfigMap object = new ConfigMap();
    object.setMetadata(StoreObjects.meta(name, StoreObjects.CONTROL,
        Map.of(StoreObjects.ROLLOUT_KEY, StoreObjects.key(request.rolloutId())),
        Map.of(StoreObjects.ROLLOUT_ID, request.rolloutId(),
            StoreObjects.REQUEST_ID, request.id())));
    object.setData(data);
    try {
      client.configMaps().inNamespace(namespace).resource(object).create();
      LOG.info("rollout={} request={} control={} requestedBy={} action=control-requested",
          request.rolloutId(), request.id(), request.control(), request.requestedBy());
    } catch (KubernetesClientException e) {
      if (!StoreCalls.conflict(e)) {
        throw calls.failure(what, e);
      }
      ConfigMap existing = calls.call(what, () -> client.configMaps().inNamespace(namespace)
          .withName(name).get());
      if (existing != null && !same(existing, request.rolloutId(), request.id())) {
        throw new StoreException("refused to " + what + ": ConfigMap " + name + " in namespace "
            + namespace + " exists and is not that request (not Molt's, or another request's);"
            + " Molt never changes it. Delete or rename it");
      }
      // sent before (or its object removed meanwhile): requests are idempotent by id
    }
  }

  List<ControlRequest> requests(String rolloutId) {
    ConfigMapList list = calls.call("list control requests for rollout " + rolloutId,
        () -> client.configMaps().inNamespace(namespace).withLabels(StoreObjects.selector(
            StoreObjects.CONTROL, Map.of(StoreObjects.ROLLOUT_KEY, StoreObjects.key(rolloutId))))
            .list());
    return RolloutStore.oldestFirst(list.getItems().stream()
        .filter(o -> StoreObjects.annotation(o, StoreObjects.REQUEST_ID).isPresent())
        .filter(o -> same(o, rolloutId, StoreObjects.annotation(o, StoreObjects.REQUEST_ID)
            .orElseThrow()))
        .map(o -> request(o, rolloutId)).toList());
  }

  private static boolean same(ConfigMap object, String rolloutId, String requestId) {
    return StoreObjects.isOurs(object, StoreObjects.CONTROL)
        && StoreObjects.annotation(object, StoreObjects.ROLLOUT_ID).filter(rolloutId::equals)
            .isPresent()
        && StoreObjects.annotation(object, StoreObjects.REQUEST_ID).filter(requestId::equals)
            .isPresent();
  }

  private ControlRequest request(ConfigMap object, String rolloutId) {
    Map<String, String> data = object.getData() == null ? Map.of() : object.getData();
    String id = StoreObjects.annotation(object, StoreObjects.REQUEST_ID).orElseThrow();
    try {
      return new ControlRequest(id, rolloutId, ControlRequest.Control.valueOf(data.get("control")),
          Optional.ofNullable(data.get("reason")), data.get("requestedBy"),
          Instant.parse(data.get("requestedAt")));
    } catch (RuntimeException e) {
      throw new StoreException("cannot read control request " + id + " of rollout " + rolloutId
          + " from ConfigMap " + object.getMetadata().getName() + " in namespace " + namespace
          + ": " + e.getMessage(), e);
    }
  }
}
