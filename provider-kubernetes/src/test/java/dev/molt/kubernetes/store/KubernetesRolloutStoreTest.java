package dev.molt.kubernetes.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.ControlRequest;
import dev.molt.store.Lease;
import dev.molt.store.RolloutRecord;
import dev.molt.store.SavedCampaign;
import dev.molt.store.StoreException;
import dev.molt.testkit.store.StoreRecords;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's objects as the cluster sees them (the Lease's standard fields, the record's labels
 * and fence), ids that are not Kubernetes names, the namespace, refusal of objects Molt did not
 * create, and API failures as {@link StoreException}s.
 */
class KubernetesRolloutStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00.123456789Z");
  private static final Duration TTL = Duration.ofMillis(2500);
  private final MockApi api = new MockApi();
  private final KubernetesClient client = api.client();
  private final KubernetesRolloutStore store = MockApi.store(client);

  @AfterEach
  void close() {
    api.close();
  }

  private io.fabric8.kubernetes.api.model.coordination.v1.Lease leaseObject(String fleet) {
    return client.resources(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class)
        .inNamespace(MockApi.NAMESPACE).withName(StoreObjects.leaseName(fleet)).get();
  }

  private ConfigMap configMap(String name) {
    return client.configMaps().inNamespace(MockApi.NAMESPACE).withName(name).get();
  }

  @Test
  void aFleetsLeaseIsACoordinationLeaseWithItsStandardFieldsAndTheExactToken() {
    Lease granted = store.acquire("web", "engine-a", T0, TTL);
    var object = leaseObject("web");

    assertThat(object.getMetadata().getLabels()).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(StoreObjects.KIND, StoreObjects.LEASE);
    LeaseSpec spec = object.getSpec();
    assertThat(spec.getHolderIdentity()).isEqualTo("engine-a");
    assertThat(spec.getLeaseDurationSeconds()).as("2.5 s rounded up").isEqualTo(3);
    assertThat(spec.getAcquireTime().toInstant()).isEqualTo(T0.truncatedTo(
        java.time.temporal.ChronoUnit.MICROS));
    assertThat(spec.getLeaseTransitions()).isEqualTo((int) granted.token());
    assertThat(object.getMetadata().getAnnotations())
        .containsEntry(StoreObjects.TOKEN, Long.toString(granted.token()))
        .containsEntry(StoreObjects.EXPIRES_AT, T0.plus(TTL).toString());
    assertThat(store.lease("web")).as("the exact expiry, nanoseconds included").contains(granted);

    Lease renewed = store.renew(granted, T0.plusSeconds(1), Duration.ofSeconds(30));
    assertThat(leaseObject("web").getSpec().getRenewTime())
        .isEqualTo(T0.plusSeconds(1).atZone(ZoneOffset.UTC).truncatedTo(
            java.time.temporal.ChronoUnit.MICROS));
    assertThat(leaseObject("web").getSpec().getLeaseDurationSeconds()).isEqualTo(30);

    store.release(renewed);
    var released = leaseObject("web");
    assertThat(released.getSpec().getHolderIdentity()).isNull();
    assertThat(released.getMetadata().getAnnotations())
        .containsEntry(StoreObjects.TOKEN, Long.toString(granted.token()))
        .doesNotContainKey(StoreObjects.EXPIRES_AT);
  }

  @Test
  void aRecordIsAConfigMapLabelledForListingAndFencedByItsWritersToken() {
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    RolloutRecord running = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 2);
    store.save(web, running);
    ConfigMap object = configMap(StoreObjects.rolloutName("ro-1"));

    assertThat(object.getMetadata().getLabels()).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(StoreObjects.KIND, StoreObjects.ROLLOUT)
        .containsEntry(StoreObjects.FINISHED, "false")
        .containsEntry(StoreObjects.FLEET_KEY, StoreObjects.key("web"));
    assertThat(object.getMetadata().getAnnotations()).containsEntry(StoreObjects.FLEET, "web")
        .containsEntry(StoreObjects.ROLLOUT_ID, "ro-1")
        .containsEntry(StoreObjects.FENCE, Long.toString(web.token()));
    assertThat(object.getData()).containsEntry(RolloutObjects.RECORD, running.toJson());
    assertThat(leaseObject("web").getMetadata().getAnnotations())
        .containsEntry(StoreObjects.WRITTEN, object.getMetadata().getName() + "=" + web.token());

    store.save(web, StoreRecords.record("ro-1", "web", RolloutPhase.SUCCEEDED, T0, 3));
    assertThat(configMap(StoreObjects.rolloutName("ro-1")).getMetadata().getLabels())
        .containsEntry(StoreObjects.FINISHED, "true");

    Lease next = store.acquire("web", "engine-b", T0.plus(TTL), TTL);
    assertThat(configMap(StoreObjects.rolloutName("ro-1")).getMetadata().getAnnotations())
        .as("the grant fenced it").containsEntry(StoreObjects.FENCE, Long.toString(next.token()));
    assertThat(leaseObject("web").getMetadata().getAnnotations().get(StoreObjects.WRITTEN))
        .as("fenced entries are dropped").isEmpty();
  }

  @Test
  void idsThatAreNotKubernetesNamesAreKeptExactlyAndApart() {
    // fleet names of rollouts are label-safe already, but the lease API takes any name
    String longId = "Ro_" + "x".repeat(150);
    Lease upper = store.acquire("Web_Prod", "engine-a", T0, TTL);
    Lease lower = store.acquire("web-prod", "engine-b", T0, TTL);
    RolloutRecord a = StoreRecords.record(longId, "web-prod", RolloutPhase.PROGRESSING, T0, 1);
    store.save(lower, a);
    ControlRequest request = new ControlRequest("Req_" + "y".repeat(90), longId,
        ControlRequest.Control.PAUSE, Optional.empty(), "cli", T0);
    store.request(request);
    store.request(new ControlRequest(request.id(), "ro-x", ControlRequest.Control.RESUME,
        Optional.empty(), "cli", T0));

    assertThat(store.lease("Web_Prod")).contains(upper);
    assertThat(store.lease("web-prod")).contains(lower);
    assertThat(store.load(longId)).contains(a);
    assertThat(store.requests(longId)).containsExactly(request);
    assertThat(store.requests("ro-x")).singleElement()
        .satisfies(r -> assertThat(r.control()).isEqualTo(ControlRequest.Control.RESUME));
    assertThat(StoreObjects.rolloutName(longId)).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void aRolloutIdOfAnotherFleetIsRefused() {
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    Lease api = store.acquire("api", "engine-a", T0, TTL);
    RolloutRecord ofWeb = StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 1);
    store.save(web, ofWeb);

    assertThatThrownBy(() -> store.save(api, StoreRecords.record("ro-1", "api",
        RolloutPhase.PROGRESSING, T0, 1))).isInstanceOf(StoreException.class)
        .hasMessageContaining("ro-1").hasMessageContaining("fleet web");
    assertThat(store.load("ro-1")).contains(ofWeb);
  }

  @Test
  void aCampaignIsAConfigMapFencedByItsLeaseAsARolloutIs() {
    Lease first = store.acquire("campaign-base-2", "process-a", T0, TTL);
    SavedCampaign running = new SavedCampaign("ca-1A_b", "base-2", "campaign-base-2", false,
        "{\"phase\":\"RUNNING\"}");
    store.saveCampaign(first, running);

    ConfigMap object = configMap(StoreObjects.campaignName("ca-1A_b"));
    assertThat(object.getMetadata().getName()).startsWith("molt-campaign-ca-1a-b-");
    assertThat(object.getMetadata().getLabels()).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(StoreObjects.KIND, StoreObjects.CAMPAIGN)
        .containsEntry(StoreObjects.FINISHED, "false");
    assertThat(object.getMetadata().getAnnotations())
        .containsEntry(StoreObjects.CAMPAIGN_ID, "ca-1A_b")
        .containsEntry(StoreObjects.CAMPAIGN_NAME, "base-2")
        .containsEntry(StoreObjects.FLEET, "campaign-base-2")
        .containsEntry(StoreObjects.FENCE, Long.toString(first.token()));
    assertThat(object.getData()).containsEntry(CampaignObjects.STATE, running.state());
    assertThat(leaseObject("campaign-base-2").getMetadata().getAnnotations()
        .get(StoreObjects.WRITTEN)).contains(object.getMetadata().getName() + "="
            + first.token());

    // a takeover fences the campaign's object before acquire returns
    Lease second = store.acquire("campaign-base-2", "process-b", T0.plus(TTL).plusSeconds(1),
        TTL);
    assertThat(configMap(StoreObjects.campaignName("ca-1A_b")).getMetadata().getAnnotations())
        .containsEntry(StoreObjects.FENCE, Long.toString(second.token()));
    assertThat(store.unfinishedCampaigns()).containsExactly(running);
    SavedCampaign ended = new SavedCampaign("ca-1A_b", "base-2", "campaign-base-2", true,
        "{\"phase\":\"SUCCEEDED\"}");
    store.saveCampaign(second, ended);
    assertThat(store.campaign("ca-1A_b")).contains(ended);
    assertThat(store.unfinishedCampaigns()).isEmpty();
    assertThat(configMap(StoreObjects.campaignName("ca-1A_b")).getMetadata().getLabels())
        .containsEntry(StoreObjects.FINISHED, "true");
  }

  @Test
  void anotherCampaignOfTheSameIdIsRefusedBeforeItsLeaseListsTheObjectAndItsGrantsFenceNothing() {
    Lease a = store.acquire("campaign-a", "process-a", T0, TTL);
    String name = StoreObjects.campaignName("ca-1");
    // a tombstone of campaign-a's lease: its holder listed ca-1, died, and a grant fenced it
    new FencedMaps(client, MockApi.NAMESPACE, new StoreCalls(MockApi.NAMESPACE)).fence(name, a);
    Lease z = store.acquire("campaign-z", "process-z", T0, TTL);
    for (int i = 0; i < 3; i++) { // campaign-z's tokens climb past campaign-a's
      store.release(z);
      z = store.acquire("campaign-z", "process-z", T0, TTL);
    }
    Lease theirs = z;

    assertThatThrownBy(() -> store.saveCampaign(theirs, new SavedCampaign("ca-1", "z",
        "campaign-z", false, "{}"))).isInstanceOf(StoreException.class)
        .isNotInstanceOf(dev.molt.store.StaleLeaseException.class)
        .hasMessageContaining("fenced by the lease campaign-a, not campaign-z");
    assertThat(leaseObject("campaign-z").getMetadata().getAnnotations())
        .doesNotContainKey(StoreObjects.WRITTEN);
    SavedCampaign mine = new SavedCampaign("ca-1", "a", "campaign-a", false, "{\"wave\":1}");
    store.saveCampaign(a, mine);
    store.release(theirs);
    store.acquire("campaign-z", "process-z", T0, TTL); // a grant of the other lease
    SavedCampaign next = new SavedCampaign("ca-1", "a", "campaign-a", false, "{\"wave\":2}");
    store.saveCampaign(a, next);
    assertThat(store.campaign("ca-1")).contains(next);
  }

  @Test
  void aConfigMapOfACampaignsNameThatMoltDidNotCreateIsNeverChanged() {
    client.configMaps().inNamespace(MockApi.NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(StoreObjects.campaignName("ca-1"))
        .withLabels(Map.of("app", "someone-else")).endMetadata()
        .withData(Map.of("state", "theirs")).build()).create();
    Lease lease = store.acquire("campaign-a", "process-a", T0, TTL);

    assertThatThrownBy(() -> store.saveCampaign(lease, new SavedCampaign("ca-1", "a",
        "campaign-a", false, "{}"))).isInstanceOf(StoreException.class)
        .hasMessageContaining(StoreObjects.campaignName("ca-1")).hasMessageContaining("not a Molt");
    assertThat(configMap(StoreObjects.campaignName("ca-1")).getData())
        .containsEntry("state", "theirs");
    assertThat(store.unfinishedCampaigns()).isEmpty();
  }

  @Test
  void theStoreLivesInItsNamespaceAndAnotherNamespaceSeesNothing() {
    Lease web = store.acquire("web", "engine-a", T0, TTL);
    store.save(web, StoreRecords.record("ro-1", "web", RolloutPhase.PROGRESSING, T0, 1));
    store.request(ControlRequest.of("ro-1", ControlRequest.Control.PAUSE, "cli", T0));
    KubernetesRolloutStore other = KubernetesRolloutStore.builder(client).namespace("elsewhere")
        .build();

    assertThat(other.namespace()).isEqualTo("elsewhere");
    assertThat(other.lease("web")).isEmpty();
    assertThat(other.load("ro-1")).isEmpty();
    assertThat(other.unfinished()).isEmpty();
    assertThat(other.requests("ro-1")).isEmpty();
    assertThat(client.configMaps().inNamespace(MockApi.NAMESPACE).list().getItems()).hasSize(2);
    assertThat(KubernetesRolloutStore.builder(client).build().namespace())
        .as("the client's namespace by default").isEqualTo(client.getNamespace());
    assertThatThrownBy(() -> KubernetesRolloutStore.builder(client).namespace("Not_A_Name"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("Not_A_Name");
  }

  @Test
  void objectsMoltDidNotCreateAreNeitherListedNorChanged() {
    ConfigMap foreign = new ConfigMapBuilder().withNewMetadata()
        .withName(StoreObjects.rolloutName("ro-1")).withLabels(Map.of("app", "someone-else"))
        .endMetadata().withData(Map.of("record", "theirs")).build();
    client.configMaps().inNamespace(MockApi.NAMESPACE).resource(foreign).create();
    client.configMaps().inNamespace(MockApi.NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("lookalike").withLabels(Map.of(StoreObjects.KIND,
            StoreObjects.ROLLOUT, StoreObjects.FINISHED, "false")).endMetadata()
        .withData(Map.of("record", "not json")).build()).create();
    client.resources(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class)
        .inNamespace(MockApi.NAMESPACE).resource(new LeaseBuilder().withNewMetadata()
            .withName(StoreObjects.leaseName("api")).endMetadata().withNewSpec()
            .withHolderIdentity("kube-controller").endSpec().build()).create();
    Lease web = store.acquire("web", "engine-a", T0, TTL);

    assertThatThrownBy(() -> store.save(web, StoreRecords.record("ro-1", "web",
        RolloutPhase.PROGRESSING, T0, 1))).isInstanceOf(StoreException.class)
        .hasMessageContaining(StoreObjects.rolloutName("ro-1")).hasMessageContaining("not a Molt");
    assertThatThrownBy(() -> store.acquire("api", "engine-a", T0, TTL))
        .isInstanceOf(StoreException.class).hasMessageContaining("not Molt's");
    assertThat(store.unfinished()).isEmpty();
    assertThat(configMap(StoreObjects.rolloutName("ro-1")).getData())
        .containsEntry("record", "theirs");
    assertThat(leaseObject("api").getSpec().getHolderIdentity()).isEqualTo("kube-controller");
  }

  @Test
  void anUnreachableApiServerIsAStoreExceptionNamingTheOperation() {
    try (KubernetesClient down = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0).build()).build()) {
      KubernetesRolloutStore unreachable = MockApi.store(down);

      assertThatThrownBy(() -> unreachable.acquire("web", "engine-a", T0, TTL))
          .isInstanceOf(StoreException.class).hasMessageContaining("fleet web")
          .hasMessageContaining(MockApi.NAMESPACE).hasMessageContaining("cannot talk to");
      assertThatThrownBy(() -> unreachable.unfinished()).isInstanceOf(StoreException.class)
          .hasMessageContaining("list rollout records");
      assertThatThrownBy(() -> unreachable.unfinishedCampaigns())
          .isInstanceOf(StoreException.class).hasMessageContaining("list unfinished campaigns");
    }
  }

  @Test
  void aForbiddenAnswerNamesTheVerbsTheEngineNeeds() {
    StoreException e = new StoreCalls("molt").failure("read Lease x",
        new KubernetesClientException("leases is forbidden", 403, null));

    assertThat(e).hasMessageContaining("403").hasMessageContaining("namespace molt")
        .hasMessageContaining("get, list, create and update").hasMessageContaining("configmaps")
        .hasMessageContaining("coordination.k8s.io leases");
  }
}
