package dev.molt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LaunchSpecTest {
  private static final Image IMAGE = Image.of("sha256:" + "a".repeat(64), "v1");

  @Test
  void sameContentIsTheSameRevisionWhateverTheOrder() {
    LaunchSpec a = LaunchSpec.builder(IMAGE).env("A", "1").env("B", "2").ports(80, 443)
        .healthCheck(HealthCheck.tcp(80)).build();
    LaunchSpec b = LaunchSpec.builder(IMAGE).env("B", "2").env("A", "1").ports(443, 80)
        .healthCheck(HealthCheck.tcp(80)).build();
    assertThat(a.revision()).isEqualTo(b.revision());
    assertThat(a.revision().id()).matches("r-[0-9a-f]{10}");
  }

  @Test
  void anyChangeIsANewRevision() {
    LaunchSpec base = LaunchSpec.builder(IMAGE).env("A", "1").ports(80)
        .healthCheck(HealthCheck.tcp(80)).build();
    assertThat(base.toBuilder().env("A", "2").build().revision()).isNotEqualTo(base.revision());
    assertThatThrownBy(() -> base.toBuilder().env("A", "2").env("A", "3"))
        .hasMessageStartingWith("environment[A]: is set twice");
    assertThat(base.toBuilder().option("memory", "512m").build().revision())
        .isNotEqualTo(base.revision());
    assertThat(base.withImage(Image.of("sha256:" + "b".repeat(64), "v1")).revision())
        .isNotEqualTo(base.revision());
    // keys and values cannot be shifted into each other to forge a collision
    LaunchSpec x = LaunchSpec.builder(IMAGE).env("A", "1\nB=2").ports(80)
        .healthCheck(HealthCheck.tcp(80)).build();
    LaunchSpec y = LaunchSpec.builder(IMAGE).env("A", "1").env("B", "2").ports(80)
        .healthCheck(HealthCheck.tcp(80)).build();
    assertThat(x.revision()).isNotEqualTo(y.revision());
  }

  @Test
  void aMissingHealthCheckIsRejectedByName() {
    assertThatThrownBy(() -> LaunchSpec.builder(IMAGE).ports(80).build())
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("healthCheck"))
        .hasMessageContaining("HealthCheck.http");
  }

  @Test
  void badPortsAreRejectedWithTheirIndex() {
    assertThatThrownBy(() -> LaunchSpec.builder(IMAGE).ports(80, 70000)
        .healthCheck(HealthCheck.tcp(80)).build())
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("ports[1]"));
    assertThatThrownBy(() -> LaunchSpec.builder(IMAGE).ports(80, 80)
        .healthCheck(HealthCheck.tcp(80)).build())
        .hasMessageContaining("duplicates port 80");
  }

  @Test
  void secretReferencesAreNeverPrinted() {
    LaunchSpec s = LaunchSpec.builder(IMAGE).secret("DB_PASSWORD", "vault:prod/db#password")
        .healthCheck(HealthCheck.platform()).build();
    assertThat(s.toString()).contains("DB_PASSWORD").doesNotContain("vault:prod/db");
  }

  @Test
  void healthChecksValidateTheirFields() {
    assertThatThrownBy(() -> HealthCheck.http(0, "/"))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("port"));
    assertThatThrownBy(() -> HealthCheck.http(80, "health"))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("path"));
  }
}
