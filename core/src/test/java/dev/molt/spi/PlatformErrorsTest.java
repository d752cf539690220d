package dev.molt.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PlatformErrorsTest {
  private static final PlatformErrors.Translator RETRY_ALL =
      (op, resource, e) -> new ProviderException(op, resource, true, "translated", e);

  @Test
  void aClientExceptionIsTranslatedAndMoltsOwnPassesThrough() {
    IllegalStateException client = new IllegalStateException("boom");

    assertThatThrownBy(() -> PlatformErrors.call("observe", "fleet web", RETRY_ALL, () -> {
      throw client;
    })).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getCause()).isSameAs(client);
    });
    InvalidSpecException own = new InvalidSpecException("image", "unpinned");
    assertThatThrownBy(() -> PlatformErrors.run("launch", "fleet web", RETRY_ALL, () -> {
      throw own;
    })).isSameAs(own);
    assertThat(PlatformErrors.call("observe", "fleet web", RETRY_ALL, () -> 3)).isEqualTo(3);
  }

  @Test
  void ioAndTimeoutsAnywhereInTheChainCountAsUnreachable() {
    assertThat(PlatformErrors.causedByIo(new RuntimeException(new IOException("reset")))).isTrue();
    assertThat(PlatformErrors.causedByIo(new UncheckedIOException(new IOException("x"))))
        .isTrue();
    assertThat(PlatformErrors.causedByIo(new RuntimeException(new TimeoutException()))).isTrue();
    assertThat(PlatformErrors.causedByIo(new IllegalArgumentException("bad"))).isFalse();
  }

  @Test
  void unexpectedIsNotRetryableAndNamesTheClassAndTheFirstLine() {
    ProviderException e = PlatformErrors.unexpected("drain", "pod p",
        new IllegalArgumentException("  bad value\n\tat somewhere  "));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("java.lang.IllegalArgumentException: bad value")
        .doesNotContain("somewhere");
    assertThat(PlatformErrors.firstLine(new RuntimeException())).isEqualTo("(no message)");
    assertThat(PlatformErrors.firstLine("  \n")).isEqualTo("(no message)");
  }
}
