package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PodTemplatesTest {
  private static final Image IMAGE = KubernetesProviderContractTest.V1;

  private static LaunchRequest request(LaunchSpec spec, String key) {
    return new LaunchRequest("shop", spec, 2, "ro-1", key);
  }

  @Test
  void theReplicaSetIsNamedAfterFleetAndRevisionAndSelectsOnlyItsRevisionsOwnedPods() {
    LaunchSpec spec = KubernetesProviderContractTest.spec(IMAGE);
    ReplicaSet rs = PodTemplates.replicaSet("ns", request(spec, "key-1"), 2);

    assertThat(rs.getMetadata().getName()).isEqualTo("shop-" + spec.revision().id());
    assertThat(rs.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(rs.getMetadata().getLabels()).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(OwnerLabels.FLEET, "shop")
        .containsEntry(OwnerLabels.REVISION, spec.revision().id())
        .containsEntry(OwnerLabels.ROLLOUT, "ro-1");
    assertThat(rs.getMetadata().getAnnotations())
        .containsEntry(PodTemplates.LAUNCH_KEYS, PodTemplates.keyHash("key-1"));
    assertThat(rs.getSpec().getReplicas()).isEqualTo(2);
    assertThat(rs.getSpec().getSelector().getMatchLabels()).containsOnlyKeys(
        OwnerLabels.MANAGED_BY, OwnerLabels.FLEET, OwnerLabels.REVISION);
    assertThat(rs.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(rs.getSpec().getSelector().getMatchLabels())
        .containsEntry(OwnerLabels.ROLLOUT, "ro-1")
        .containsEntry(PodTemplates.SERVING, "true")
        .containsEntry(PodTemplates.LAUNCH, PodTemplates.keyHash("key-1"));
  }

  @Test
  void theContainerCarriesImageEnvironmentSecretReferencesPortsProbeAndResources() {
    LaunchSpec spec = LaunchSpec.builder(IMAGE).ports(9090, 8080).env("MODE", "prod")
        .secret("DB_PASSWORD", "db-credentials/password").option("kubernetes.memory", "256Mi")
        .option("kubernetes.cpu", "250m")
        .healthCheck(HealthCheck.http(8080, "/ready").withInterval(Duration.ofMillis(1500)))
        .build();
    Container c = PodTemplates.template(request(spec, "k")).getSpec().getContainers().get(0);

    assertThat(c.getImage()).isEqualTo(IMAGE.reference());
    assertThat(c.getEnv()).extracting(EnvVar::getName).containsExactly("MODE", "DB_PASSWORD");
    assertThat(c.getEnv().get(0).getValue()).isEqualTo("prod");
    assertThat(c.getEnv().get(1).getValue()).isNull();
    assertThat(c.getEnv().get(1).getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("db-credentials");
    assertThat(c.getEnv().get(1).getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
    assertThat(c.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080, 9090);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8080);
    assertThat(c.getReadinessProbe().getPeriodSeconds()).as("1.5 s rounds up").isEqualTo(2);
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
    assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("250m");
  }

  @Test
  void tcpChecksProbeTheSocketAndPlatformChecksTrustTheContainerRunning() {
    assertThat(PodTemplates.readinessProbe(HealthCheck.tcp(5432))).hasValueSatisfying(p -> {
      assertThat(p.getTcpSocket().getPort().getIntVal()).isEqualTo(5432);
      assertThat(p.getHttpGet()).isNull();
    });
    assertThat(PodTemplates.readinessProbe(HealthCheck.platform())).isEmpty();
  }

  @Test
  void specsAClusterCannotRunAreRefusedNamingTheField() {
    LaunchSpec.Builder base = LaunchSpec.builder(IMAGE).healthCheck(HealthCheck.platform());
    assertThatThrownBy(() -> PodTemplates.check(LaunchSpec.builder(Image.of("sha256:"
        + "a".repeat(64), "local")).healthCheck(HealthCheck.platform()).build()))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("image.reference"));
    assertThatThrownBy(() -> PodTemplates.check(base.build().toBuilder()
        .secret("TOKEN", "vault:db/password").build()))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("secrets[TOKEN]"));
    assertThatThrownBy(() -> PodTemplates.check(base.build().toBuilder()
        .option("kubernetes.gpu", "1").build()))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("options[kubernetes.gpu]"));
    assertThatThrownBy(() -> PodTemplates.check(base.build().toBuilder()
        .option("kubernetes.memory", "lots").build()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("256Mi");
    PodTemplates.check(base.build().toBuilder().option("docker.memory", "1g").build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Shop", "-shop", "shop-", "shop_1",
      "a-fleet-name-far-too-long-for-kubernetes-names"})
  void fleetNamesThatCannotNameKubernetesObjectsAreRefused(String fleet) {
    assertThatThrownBy(() -> PodTemplates.checkFleet(fleet))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("fleet"));
  }

  @Test
  void requestKeysAndFreeTextBecomeValidLabelValues() {
    assertThat(PodTemplates.keyHash("ro-1/launch 3")).matches("k[0-9a-f]{20}")
        .isEqualTo(PodTemplates.keyHash("ro-1/launch 3"))
        .isNotEqualTo(PodTemplates.keyHash("ro-1/launch 4"));
    assertThat(PodTemplates.labelValue("break-glass login by alice@example"))
        .isEqualTo("break-glass-login-by-alice-example");
    assertThat(PodTemplates.labelValue("  " + "x".repeat(80) + "!")).hasSize(63);
  }

  @Test
  void theAppliedKeysAnnotationKeepsTheNewestKeys() {
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < PodTemplates.KEYS_KEPT; i++) {
      keys.add("k" + i);
    }
    String value = PodTemplates.withKey(keys, "newest");
    assertThat(value.split(",")).hasSize(PodTemplates.KEYS_KEPT).doesNotContain("k0")
        .endsWith("newest");
  }

  @Test
  void everyPodIsHardenedByDefault() {
    var pod = PodTemplates.template(request(KubernetesProviderContractTest.spec(IMAGE), "k"))
        .getSpec();
    Container c = pod.getContainers().get(0);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).as("the image's own user").isNull();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType())
        .isEqualTo("RuntimeDefault");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getCapabilities().getAdd()).isEmpty();
    assertThat(c.getVolumeMounts()).singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo(c.getVolumeMounts().get(0).getName());
      assertThat(v.getEmptyDir()).isNotNull();
    });
  }

  @Test
  void eachDefaultHasItsOptOut() {
    LaunchSpec spec = LaunchSpec.builder(IMAGE).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health"))
        .option("kubernetes.nonRoot", "false").option("kubernetes.user", "0:0")
        .option("kubernetes.readOnlyRootfs", "false")
        .option("kubernetes.noNewPrivileges", "false")
        .option("kubernetes.capAdd", "NET_BIND_SERVICE,CHOWN")
        .option("kubernetes.seccomp", "Unconfined").option("kubernetes.tmpfs", "none").build();
    var pod = PodTemplates.template(request(spec, "k")).getSpec();
    Container c = pod.getContainers().get(0);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsUser()).isZero();
    assertThat(pod.getSecurityContext().getRunAsGroup()).isZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("Unconfined");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isFalse();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getAdd())
        .containsExactly("NET_BIND_SERVICE", "CHOWN");
    assertThat(c.getSecurityContext().getCapabilities().getDrop())
        .as("added back one by one, all others still dropped").containsExactly("ALL");
    assertThat(c.getVolumeMounts()).isEmpty();
    assertThat(pod.getVolumes()).isEmpty();
  }

  /** Which of the six hardened defaults a pod template keeps, by the names. */
  private static Map<String, Boolean> hardening(PodSpec pod) {
    Container c = pod.getContainers().get(0);
    Map<String, Boolean> out = new LinkedHashMap<>();
    out.put("runAsNonRoot", Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot()));
    out.put("readOnlyRootFilesystem",
        Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem()));
    out.put("allowPrivilegeEscalation=false",
        Boolean.FALSE.equals(c.getSecurityContext().getAllowPrivilegeEscalation()));
    out.put("capabilities drop ALL", List.of("ALL").equals(
        c.getSecurityContext().getCapabilities().getDrop())
        && c.getSecurityContext().getCapabilities().getAdd().isEmpty());
    out.put("seccomp RuntimeDefault",
        "RuntimeDefault".equals(pod.getSecurityContext().getSeccompProfile().getType()));
    out.put("emptyDir /tmp", c.getVolumeMounts().stream().anyMatch(m -> "/tmp".equals(
        m.getMountPath()) && pod.getVolumes().stream().anyMatch(v -> v.getName()
            .equals(m.getName()) && v.getEmptyDir() != null)));
    return out;
  }

  @ParameterizedTest(name = "{0}={1} gives up {2} only")
  @CsvSource({
      "kubernetes.nonRoot, false, runAsNonRoot",
      "kubernetes.readOnlyRootfs, false, readOnlyRootFilesystem",
      "kubernetes.noNewPrivileges, false, allowPrivilegeEscalation=false",
      "kubernetes.capAdd, NET_BIND_SERVICE, capabilities drop ALL",
      "kubernetes.seccomp, Unconfined, seccomp RuntimeDefault",
      "kubernetes.tmpfs, none, emptyDir /tmp"})
  void eachOptOutGivesUpItsOwnDefaultAndKeepsEveryOther(String option, String value,
      String givenUp) {
    LaunchSpec spec = LaunchSpec.builder(IMAGE).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health")).option(option, value).build();
    PodSpec hardened = PodTemplates.template(
        request(KubernetesProviderContractTest.spec(IMAGE), "k")).getSpec();
    Map<String, Boolean> expected = new LinkedHashMap<>();
    hardening(hardened).keySet().forEach(k -> expected.put(k, !k.equals(givenUp)));

    assertThat(hardening(hardened)).as("the defaults").doesNotContainValue(false);
    assertThat(hardening(PodTemplates.template(request(spec, "k")).getSpec()))
        .isEqualTo(expected);
  }

  @Test
  void everyListedScratchPathGetsItsOwnEmptyDir() {
    LaunchSpec spec = LaunchSpec.builder(IMAGE).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health"))
        .option("kubernetes.tmpfs", "/tmp,/var/cache/app").build();
    PodSpec pod = PodTemplates.template(request(spec, "k")).getSpec();

    Map<String, Boolean> emptyDirs = new LinkedHashMap<>();
    pod.getVolumes().forEach(v -> emptyDirs.put(v.getName(), v.getEmptyDir() != null));
    assertThat(pod.getContainers().get(0).getVolumeMounts()).allSatisfy(m -> assertThat(
        emptyDirs.get(m.getName())).as("%s is an emptyDir", m.getMountPath()).isTrue());
    assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
        .containsExactlyInAnyOrder("/tmp", "/var/cache/app");
    assertThat(pod.getVolumes()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kubernetes.user=0", "kubernetes.user=nobody",
      "kubernetes.nonRoot=yes", "kubernetes.seccomp=Localhost", "kubernetes.capAdd=net_admin",
      "kubernetes.tmpfs=tmp"})
  void aBadSecurityOptionIsRefusedNamingIt(String option) {
    String[] kv = option.split("=", 2);
    LaunchSpec spec = LaunchSpec.builder(IMAGE).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health")).option(kv[0], kv[1]).build();

    assertThatThrownBy(() -> PodTemplates.check(spec))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("options[" + kv[0] + "]"));
  }
}
