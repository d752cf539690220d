package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.ProviderException;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KubeErrorsTest {

  @ParameterizedTest(name = "{0} retryable={1}")
  @CsvSource({"408,true", "409,true", "429,true", "500,true", "503,true", "504,true",
      "400,false", "401,false", "403,false", "404,false", "422,false"})
  void statusCodesMapToRetryableOrNot(int status, boolean retryable) {
    KubernetesClientException e = new KubernetesClientException("Failure executing: GET", status,
        new StatusBuilder().withCode(status).withMessage("the server says " + status).build());

    ProviderException p = KubeErrors.translate("observe", "fleet web", e);

    assertThat(p.retryable()).isEqualTo(retryable);
    assertThat(p.operation()).isEqualTo("observe");
    assertThat(p.getMessage()).contains(String.valueOf(status)).contains("the server says");
    assertThat(p.getCause()).isSameAs(e);
  }

  @Test
  void timeoutsAndUnreachableServersAreRetryable() {
    assertThat(KubeErrors.translate("launch", "fleet web",
        new KubernetesClientTimeoutException("Pod", "p", "ns", 1000L,
            java.util.concurrent.TimeUnit.MILLISECONDS))
        .retryable()).isTrue();
    KubernetesClientException io = new KubernetesClientException("connect failed",
        new ConnectException("Connection refused"));
    assertThat(KubeErrors.translate("launch", "fleet web", io).retryable()).isTrue();
    assertThat(KubeErrors.translate("launch", "fleet web",
        new IllegalStateException("bug", new IOException("x"))).retryable()).isTrue();
  }

  @Test
  void unexpectedExceptionsAreNotRetryableAndMoltExceptionsPassThrough() {
    assertThat(KubeErrors.translate("drain", "pod p", new IllegalArgumentException("bad"))
        .retryable()).isFalse();
    ProviderException own = new ProviderException("drain", "pod p", false, "refused");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KubeErrors.run("drain", "pod p",
        () -> {
          throw own;
        })).isSameAs(own);
  }
}
