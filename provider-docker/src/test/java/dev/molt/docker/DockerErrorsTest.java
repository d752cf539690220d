package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.molt.ProviderException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class DockerErrorsTest {
  @Test
  void serverErrorsThrottlingAndIoAreRetryableClientErrorsAreNot() {
    assertThat(retryable(new InternalServerErrorException("boom"))).isTrue();
    assertThat(retryable(new DockerException("slow down", 429))).isTrue();
    assertThat(retryable(new UncheckedIOException(new ConnectException("refused")))).isTrue();
    assertThat(retryable(new NotFoundException("no such image"))).isFalse();
    assertThat(retryable(new ConflictException("name in use"))).isFalse();
    assertThat(retryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void theTranslationNamesOperationResourceAndStatusAndKeepsTheCause() {
    NotFoundException cause = new NotFoundException("Status 404: {\"message\":\"No such image\"}");

    ProviderException e = DockerErrors.translate("launch", "web-0", cause);

    assertThat(e.operation()).isEqualTo("launch");
    assertThat(e.resource()).isEqualTo("web-0");
    assertThat(e.getMessage()).contains("404", "No such image");
    assertThat(e.getCause()).isSameAs(cause);
  }

  private static boolean retryable(RuntimeException e) {
    return DockerErrors.translate("observe", "fleet web", e).retryable();
  }
}
