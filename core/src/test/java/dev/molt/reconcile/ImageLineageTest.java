package dev.molt.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Done when: a lineage query over a base → app → fleet chain of 3 levels returns the right fleets;
 * the age policy flags exactly the fleets older than the limit.
 */
class ImageLineageTest {
  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final Image DEBIAN = image("d", "debian-12.4", 20);
  private static final Image ALPINE = image("a", "alpine-3.19", 5);
  private static final Image JRE = image("e", "jre-17", 12).withBase(DEBIAN);
  private static final Image WEB = image("b", "web-247", 2).withBase(JRE);
  private static final Image API = image("c", "api-88", 3).withBase(DEBIAN);
  private static final Image BATCH = image("f", "batch-9", 1).withBase(ALPINE);

  private static final ImageCatalog CATALOG = ImageCatalog.empty()
      .with("web", spec(WEB)).with("api", spec(API)).with("batch", spec(BATCH))
      .with("jre-tools", spec(JRE));

  @Test
  void fleetsBuiltOnABaseIncludeThoseTwoLevelsDown() {
    assertThat(CATALOG.fleetsBuiltOn(DEBIAN)).containsExactly("api", "jre-tools", "web");
    assertThat(CATALOG.fleetsBuiltOn(JRE)).containsExactly("web");
    assertThat(CATALOG.fleetsBuiltOn(ALPINE)).containsExactly("batch");
    assertThat(CATALOG.fleetsBuiltOn(WEB)).isEmpty();
  }

  @Test
  void fleetsUsingAnImageIncludeThoseRunningItItself() {
    assertThat(CATALOG.fleetsUsing(JRE)).containsExactly("jre-tools", "web");
    assertThat(CATALOG.fleetsUsing(WEB)).containsExactly("web");
  }

  @Test
  void basesAreMatchedByTheirPinnedReferenceNotByEquality() {
    Image sameBitsNoMetadata = Image.of(DEBIAN.reference(), "whatever");
    assertThat(CATALOG.fleetsBuiltOn(sameBitsNoMetadata)).containsExactly("api", "jre-tools",
        "web");
  }

  @Test
  void theAgePolicyFlagsExactlyTheFleetsOlderThanTheLimit() {
    ImageCatalog catalog = ImageCatalog.empty()
        .with("fresh", spec(image("1", "fresh", 29)))
        .with("exactly", spec(image("2", "exactly", 30)))
        .with("stale", spec(image("3", "stale", 31)))
        .with("stale-base", spec(image("4", "app", 1).withBase(image("5", "old-base", 45))))
        .with("deep", spec(image("6", "app2", 1).withBase(image("7", "mid", 2)
            .withBase(image("8", "root", 90)))));

    var due = ImageAgePolicy.maxAge(Duration.ofDays(30)).due(catalog, CLOCK);

    assertThat(due).extracting(RebuildDue::fleet).containsExactly("deep", "stale", "stale-base");
    assertThat(due.get(0).outdated().version()).isEqualTo("root");
    assertThat(due.get(0).reason()).startsWith("its base root").contains("90d00h00m",
        "max age 30d00h00m");
    assertThat(due.get(1).reason()).startsWith("image stale").contains("2026-01-29T00:00:00Z");
    assertThat(due.get(2).outdated().version()).isEqualTo("old-base");
  }

  @Test
  void anImageWithoutABuildTimeIsDueUnlessThePolicySaysOtherwise() {
    ImageCatalog catalog = ImageCatalog.empty().with("unknown",
        spec(Image.of("registry.example/u@sha256:" + "9".repeat(64), "u")));

    assertThat(ImageAgePolicy.maxAge(Duration.ofDays(30)).due(catalog, CLOCK))
        .singleElement().satisfies(d -> assertThat(d.reason()).contains("has no build time"));
    assertThat(new ImageAgePolicy(Duration.ofDays(30), false).due(catalog, CLOCK)).isEmpty();
  }

  private static Image image(String digit, String version, int daysOld) {
    return Image.of("registry.example/" + version.split("-")[0] + "@sha256:" + digit.repeat(64),
        version).withBuiltAt(NOW.minus(Duration.ofDays(daysOld)));
  }

  private static LaunchSpec spec(Image image) {
    return LaunchSpec.builder(image).healthCheck(HealthCheck.tcp(8080)).ports(8080).build();
  }
}
