package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import dev.molt.Image;
import dev.molt.ProviderException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

  /** An engine that lacks every image until it was pulled, recording the pulls' logins. */
  private static DockerClient engineRecordingPulls(List<AuthConfig> logins, List<String> pulled) {
    return (DockerClient) Proxy.newProxyInstance(DockerClient.class.getClassLoader(),
        new Class<?>[] {DockerClient.class}, (proxy, method, args) -> switch (method.getName()) {
          case "inspectImageCmd" -> fluent(InspectImageCmd.class, call -> {
            if (pulled.isEmpty()) {
              throw new NotFoundException("Status 404: {\"message\":\"No such image\"}");
            }
            return new InspectImageResponse();
          });
          case "pullImageCmd" -> fluent(PullImageCmd.class, call -> {
            if (call.getName().equals("withAuthConfig")) {
              logins.add((AuthConfig) call.args()[0]);
            } else if (call.getName().equals("withTag")) {
              pulled.add(args[0] + "@" + call.args()[0]);
            } else if (call.getName().equals("exec")) {
              ResultCallback<?> callback = (ResultCallback<?>) call.args()[0];
              callback.onComplete();
              return callback;
            }
            return null;
          });
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private record Call(String getName, Object[] args) {}

  /** A command whose {@code with*} calls return itself; every call goes to {@code calls} first. */
  @SuppressWarnings("unchecked")
  private static <T> T fluent(Class<T> type, Function<Call, Object> calls) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          Object result = calls.apply(new Call(method.getName(), args));
          return method.getName().startsWith("with") ? proxy : result;
        });
  }

  @Test
  void aMissingImageIsPulledByDigestWithTheLoginOfItsRegistry() {
    List<AuthConfig> logins = new ArrayList<>();
    List<String> pulled = new ArrayList<>();
    String digest = "sha256:" + "b".repeat(64);
    ImagePuller puller = new ImagePuller(engineRecordingPulls(logins, pulled),
        Map.of("registry.example:5000", RegistryCredentials.of("registry.example:5000", "ci",
            "hunter2")), Duration.ofSeconds(5));

    puller.ensure(Image.of("registry.example:5000/team/web@" + digest, "v1"), "web");

    assertThat(pulled).containsExactly("registry.example:5000/team/web@" + digest);
    assertThat(logins).singleElement().satisfies(login -> {
      assertThat(login.getRegistryAddress()).isEqualTo("registry.example:5000");
      assertThat(login.getUsername()).isEqualTo("ci");
      assertThat(login.getPassword()).isEqualTo("hunter2");
    });
  }

  @Test
  void aRegistryWithoutConfiguredLoginsGetsNoneFromTheProvider() {
    List<AuthConfig> logins = new ArrayList<>();
    List<String> pulled = new ArrayList<>();
    ImagePuller puller = new ImagePuller(engineRecordingPulls(logins, pulled),
        Map.of("registry.example:5000", RegistryCredentials.of("registry.example:5000", "ci",
            "hunter2")), Duration.ofSeconds(5));

    puller.ensure(Image.of("other.example/web@sha256:" + "c".repeat(64), "v1"), "web");

    assertThat(pulled).hasSize(1);
    assertThat(logins).as("another registry's login is never sent").isEmpty();
  }

  @Test
  void anImageIdTheEngineLacksIsANonRetryableFailureNamingIt() {
    String id = "sha256:" + "d".repeat(64);
    ImagePuller puller = new ImagePuller(engineRecordingPulls(new ArrayList<>(),
        new ArrayList<>()), Map.of(), Duration.ofSeconds(5));

    assertThatThrownBy(() -> puller.ensure(Image.of(id, "v1"), "web"))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(id, "cannot be pulled");
        });
  }

  @Test
  void credentialsNeverPrintTheirPassword() {
    RegistryCredentials login = RegistryCredentials.of("registry.example", "ci", "hunter2");

    assertThat(login.toString()).contains("registry.example", "ci").doesNotContain("hunter2");
  }
}
