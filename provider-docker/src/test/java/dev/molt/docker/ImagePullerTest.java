package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePullerTest {
  @ParameterizedTest
  @CsvSource({
      "127.0.0.1:5000/molt-test/web, 127.0.0.1:5000",
      "registry.example/team/web, registry.example",
      "localhost/web, localhost",
      "library/nginx, docker.io",
      "nginx, docker.io"})
  void theRegistryOfARepositoryIsItsFirstComponentWhenThatNamesAHost(String repository,
      String registry) {
    assertThat(ImagePuller.registryOf(repository)).isEqualTo(registry);
  }

  @Test
  void credentialsNeverPrintTheirPassword() {
    RegistryCredentials login = RegistryCredentials.of("registry.example", "ci", "hunter2");

    assertThat(login.toString()).contains("registry.example", "ci").doesNotContain("hunter2");
  }
}
