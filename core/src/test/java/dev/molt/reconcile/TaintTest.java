package dev.molt.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Instance;
import dev.molt.InvalidSpecException;
import dev.molt.MoltException;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.engine.RetrySettings;
import dev.molt.engine.RolloutEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A taint, set through the API or by hand on the platform, leads to a replacement. */
class TaintTest {

  @Test
  void aTaintSetThroughTheApiIsALabelAndTheNextReconcileReplacesTheInstance() {
    MessyFleet f = new MessyFleet();
    List<String> ids = f.launch(MessyFleet.DECLARED, 3);
    f.time.advance(Duration.ofMinutes(1));

    f.engine.taint(MessyFleet.FLEET, ids.get(1), "disk tampered with");

    assertThat(label(f, ids.get(1))).isEqualTo("disk tampered with");
    ReconcileReport report = f.engine.reconcile(f.spec().capacity(3).build()).await();
    assertThat(report.findings()).singleElement().satisfies(t -> {
      assertThat(t.instanceId()).isEqualTo(ids.get(1));
      assertThat(t.kind()).isEqualTo(Finding.Kind.TAINTED);
      assertThat(t.reason()).isEqualTo("tainted: disk tampered with");
    });
    assertThat(f.platform.isAlive(ids.get(1))).isFalse();
    assertThat(f.platform.instances(MessyFleet.FLEET)).hasSize(3).allMatch(Instance::isHealthy);
  }

  @Test
  void aLabelSetByHandOnThePlatformIsATaintToo() {
    MessyFleet f = new MessyFleet();
    List<String> ids = f.launch(MessyFleet.DECLARED, 3);
    f.time.advance(Duration.ofMinutes(1));

    f.platform.label(ids.get(0), OwnerLabels.TAINTED, "ssh session by bob");

    ReconcileReport report = f.engine.reconcile(f.spec().capacity(3).build()).await();
    assertThat(report.finding(ids.get(0))).hasValueSatisfying(t ->
        assertThat(t.reason()).isEqualTo("tainted: ssh session by bob"));
    assertThat(report.replaced()).isEqualTo(1);
  }

  @Test
  void foreignInstancesAreNeverTainted() {
    MessyFleet f = new MessyFleet();
    f.platform.addForeign("web-foreign", MessyFleet.FLEET, MessyFleet.DECLARED.revision(),
        Map.of(OwnerLabels.FLEET, MessyFleet.FLEET));

    assertThatThrownBy(() -> f.engine.taint(MessyFleet.FLEET, "web-foreign", "x"))
        .isInstanceOf(MoltException.class)
        .hasMessageContaining("no live instance web-foreign owned by Molt");
    assertThat(label(f, "web-foreign")).isNull();
    assertThat(f.platform.callCount("taint")).isZero();
  }

  @Test
  void badArgumentsFailBeforeAnyProviderCall() {
    MessyFleet f = new MessyFleet();
    assertThatThrownBy(() -> f.engine.taint(MessyFleet.FLEET, "web-00001", " "))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("reason"));
    assertThatThrownBy(() -> f.engine.taint(MessyFleet.FLEET, "web-00001", "a\nb"))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("reason"));
    assertThatThrownBy(() -> f.engine.taint("", "web-00001", "why"))
        .isInstanceOfSatisfying(InvalidSpecException.class,
            e -> assertThat(e.field()).isEqualTo("fleet"));
    assertThat(f.platform.calls()).isEmpty();
  }

  @Test
  void aPlatformThatCannotTaintSaysSoAndHowToDoItByHand() {
    MessyFleet f = new MessyFleet();
    List<String> ids = f.launch(MessyFleet.DECLARED, 1);
    RolloutEngine engine = RolloutEngine.builder(new ScriptedProvider(f.platform, false)).time(f.time)
        .retries(RetrySettings.defaults()).build();

    assertThatThrownBy(() -> engine.taint(MessyFleet.FLEET, ids.get(0), "why"))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.operation()).isEqualTo("taint");
          assertThat(e.getMessage()).contains(OwnerLabels.TAINTED);
        });
    assertThat(label(f, ids.get(0))).isNull();
  }

  private static String label(MessyFleet f, String id) {
    return f.platform.instances(MessyFleet.FLEET).stream().filter(i -> i.id().equals(id))
        .findFirst().orElseThrow().labels().get(OwnerLabels.TAINTED);
  }
}
