package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.ProviderException;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the provider throws when the API server answers with an error (expectation mode). */
class ApiErrorsTest {
  private static final LaunchRequest REQUEST = new LaunchRequest("shop",
      KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1), 1, "ro-1", "k");
  private final KubernetesMockServer server = new KubernetesMockServer(false);
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server.init();
    try (KubernetesClient base = server.createClient()) {
      // no client-side retries: the engine owns retrying, through the retryable flag
      client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
          .withRequestRetryBackoffLimit(0).build()).build();
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @ParameterizedTest(name = "{0} retryable={1}")
  @CsvSource({"429,true", "503,true", "403,false", "422,false"})
  void anErrorAnswerBecomesAProviderExceptionWithTheRightRetryableFlag(int status,
      boolean retryable) {
    server.expect().get().withPath("/apis/apps/v1/namespaces/molt-test/replicasets/shop-"
            + REQUEST.revision().id())
        .andReturn(status, new StatusBuilder().withCode(status).withMessage("said " + status)
            .build()).always();
    KubernetesProvider provider = KubernetesProvider.builder(client).namespace("molt-test")
        .build();

    assertThatThrownBy(() -> provider.launch(REQUEST))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isEqualTo(retryable);
          assertThat(e.operation()).isEqualTo("launch");
          assertThat(e.getMessage()).contains(String.valueOf(status));
        });
  }
}
