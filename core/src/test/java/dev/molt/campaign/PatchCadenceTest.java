package dev.molt.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.reconcile.ImageAgePolicy;
import dev.molt.rollout.RolloutSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The campaigns a patch cadence finds due: outdated bases with a newer pinned replacement. */
class PatchCadenceTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static Image image(String repo, String seed, String version, int daysOld) {
    String digest = CampaignFixture.digest(seed);
    return Image.of("registry.example/" + repo + digest.substring(digest.indexOf('@')), version)
        .withBuiltAt(NOW.minus(Duration.ofDays(daysOld)));
  }

  private static CampaignFleet fleet(String name, Image app) {
    LaunchSpec spec = LaunchSpec.builder(app).ports(8080)
        .healthCheck(HealthCheck.http(8080, "/health")).build();
    return CampaignFleet.of(RolloutSpec.builder(name).capacity(2).target(spec).build(), Map.of());
  }

  @Test
  void groupsTheFleetsOnAnOutdatedBaseUnderItsNewestReplacement() {
    Image baseV1 = image("base", "b1", "base-v1", 60);
    Image baseV2 = image("base", "b2", "base-v2", 2);
    Image baseV3Older = image("base", "b0", "base-v0", 90);
    Image runtime = image("runtime", "r1", "jre-17", 5).withBase(baseV1);
    Image freshBase = image("other", "o1", "other-v9", 1);
    List<CampaignFleet> fleets = List.of(
        fleet("a", image("a", "a1", "a-1", 1).withBase(baseV1)),
        fleet("b", image("b", "b-1", "b-1", 1).withBase(runtime)),
        fleet("c", image("c", "c1", "c-1", 1).withBase(freshBase)),
        fleet("d", image("d", "d1", "d-1", 45).withBase(freshBase)));
    PatchCadence cadence = new PatchCadence(ImageAgePolicy.maxAge(Duration.ofDays(30)),
        List.of(baseV3Older, baseV2, freshBase));

    List<PatchCadence.Due> due = cadence.due(fleets, CLOCK);

    assertThat(due).singleElement().satisfies(d -> {
      assertThat(d.change()).isEqualTo(new BaseChange(baseV1, baseV2));
      assertThat(d.due()).as("b through its runtime; d's own image is old: no base campaign")
          .containsExactly("a", "b");
      assertThat(d.reasons()).allMatch(r -> r.contains("base-v1") && r.contains("60d"));
      CampaignSpec spec = d.spec("patch-base-v2").wave(Wave.of("all", "a", "b")).build();
      assertThat(spec.affected()).containsExactly("a", "b");
      assertThat(spec.totalCapacity()).as("the budget is a share of every fleet").isEqualTo(8);
    });
  }

  @Test
  void nothingIsDueWithoutANewerBase() {
    Image baseV1 = image("base", "b1", "base-v1", 60);
    PatchCadence cadence = new PatchCadence(ImageAgePolicy.maxAge(Duration.ofDays(30)),
        List.of(baseV1));
    assertThat(cadence.due(List.of(fleet("a", image("a", "a1", "a-1", 1).withBase(baseV1))),
        CLOCK)).isEmpty();
  }
}
