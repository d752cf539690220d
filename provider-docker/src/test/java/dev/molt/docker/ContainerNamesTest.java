package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Revision;
import org.junit.jupiter.api.Test;

class ContainerNamesTest {
  private static final Revision R = Revision.of("r-0123456789");

  @Test
  void sameRequestSameNamesOtherKeyOrFleetOtherNames() {
    String a = ContainerNames.name("web", R, "ro-1-1", 0);

    assertThat(ContainerNames.name("web", R, "ro-1-1", 0)).isEqualTo(a);
    assertThat(ContainerNames.name("web", R, "ro-1-2", 0)).isNotEqualTo(a);
    assertThat(ContainerNames.name("api", R, "ro-1-1", 0)).isNotEqualTo(a);
    assertThat(ContainerNames.name("web", R, "ro-1-1", 1)).isNotEqualTo(a);
    assertThat(a).matches("molt-web-r-0123456789-[0-9a-f]{8}-0");
  }

  @Test
  void fleetNamesAreCleanedToValidContainerAndServerNames() {
    String name = ContainerNames.name("Payments API/EU west (prod) and more", R, "k", 3);

    assertThat(name).matches("[a-z0-9][a-z0-9_.-]+").hasSizeLessThan(64);
  }
}
