package dev.molt.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.rollout.RolloutSpec;
import dev.molt.strategy.Amount;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad campaign specs are refused at construction, naming the field, before anything launches. */
class CampaignSpecTest {
  private static final Image OTHER_BASE = Image.of(CampaignFixture.digest("other"), "other");

  private static CampaignFleet fleet(String name, int capacity, String tier, Image base) {
    LaunchSpec spec = LaunchSpec.builder(Image.of(CampaignFixture.digest(name), name)
            .withBase(base)).ports(8080).healthCheck(HealthCheck.http(8080, "/health")).build();
    return CampaignFleet.of(RolloutSpec.builder(name).capacity(capacity).target(spec).build(),
        Map.of("tier", tier));
  }

  private static CampaignSpec.Builder spec() {
    return CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fleet("a", 2, "dev", CampaignFixture.RUNTIME_V1))
        .fleet(fleet("b", 4, "prod", CampaignFixture.BASE_V1))
        .fleet(fleet("c", 4, "prod", OTHER_BASE));
  }

  @Test
  void resolvesWavesToTheFleetsBuiltOnTheOldBaseTransitivelyInTheirOrder() {
    CampaignSpec s = spec().wave(Wave.matching("dev", Map.of("tier", "dev")))
        .wave(Wave.matching("prod", Map.of("tier", "prod"))).maxExposure(50).build();

    assertThat(s.affected()).containsExactly("a", "b");
    assertThat(s.waveFleets()).extracting(w -> w.stream().map(CampaignFleet::name).toList())
        .containsExactly(List.of("a"), List.of("b"));
    assertThat(s.totalCapacity()).isEqualTo(10);
    assertThat(s.exposureBudget()).isEqualTo(5);
  }

  @Test
  void anUnknownFleetInAWaveIsNamed() {
    assertThatThrownBy(() -> spec().wave(Wave.of("one", "a", "b", "zz")).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("waves[0].fleets").hasMessageContaining("zz");
  }

  @Test
  void aFleetInTwoWavesIsNamed() {
    assertThatThrownBy(() -> spec().wave(Wave.of("one", "a", "b"))
        .wave(Wave.matching("prod", Map.of("tier", "prod"))).build())
        .isInstanceOf(InvalidSpecException.class)
        .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("waves[1]"))
        .hasMessageContaining("fleet b is in wave one and in wave prod");
  }

  @Test
  void aBudgetOutsideOneToHundredPercentIsRefused() {
    for (int bad : new int[] {0, -5, 101}) {
      assertThatThrownBy(() -> spec().wave(Wave.of("all", "a", "b")).maxExposure(bad).build())
          .isInstanceOf(InvalidSpecException.class)
          .satisfies(e -> assertThat(((InvalidSpecException) e).field())
              .isEqualTo("maxExposure"))
          .hasMessageContaining("1..100");
    }
  }

  @Test
  void aFleetLargerThanTheBudgetCouldNeverStart() {
    assertThatThrownBy(() -> spec().wave(Wave.of("all", "a", "b")).maxExposure(30).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("maxExposure")
        .hasMessageContaining("fleet b alone has 4")
        .hasMessageContaining("at least 40%");
  }

  @Test
  void anAffectedFleetInNoWaveIsNamed() {
    assertThatThrownBy(() -> spec().wave(Wave.of("one", "a")).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("fleet b is built on base base-v1 but in no wave");
  }

  @Test
  void aWaveChoosesByLabelsOrByListNotBoth() {
    assertThatThrownBy(() -> new Wave("w", Map.of("tier", "dev"), List.of("a"), 1,
        java.time.Duration.ZERO, List.of(), false))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("both");
    assertThatThrownBy(() -> Wave.of("w", "a").withMaxConcurrentFleets(0))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("maxConcurrentFleets");
  }

  @Test
  void maxFailuresAsAPercentageRoundsDownOverTheAffectedFleets() {
    CampaignSpec s = spec().wave(Wave.of("all", "a", "b")).maxFailures(Amount.percent(50))
        .build();
    assertThat(s.failureLimit()).isEqualTo(1);
    assertThat(spec().wave(Wave.of("all", "a", "b")).maxFailures(Amount.percent(49)).build()
        .failureLimit()).isZero();
  }

  @Test
  void aFleetOnAnEngineTheCampaignLacksIsRefusedBeforeAnythingStarts() {
    CampaignFixture fx = new CampaignFixture();
    CampaignSpec s = CampaignSpec.builder("patch", CampaignFixture.CHANGE)
        .fleet(fleet("a", 2, "dev", CampaignFixture.BASE_V1).onEngine("aws"))
        .wave(Wave.of("all", "a")).build();

    assertThatThrownBy(() -> fx.campaigns().start(s))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("fleets[0].engine").hasMessageContaining("'aws'");
    assertThat(fx.platform.calls()).isEmpty();
  }
}
