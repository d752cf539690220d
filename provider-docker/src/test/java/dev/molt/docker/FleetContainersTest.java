package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.RemoveContainerCmd;
import com.github.dockerjava.api.command.StopContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.molt.ProviderException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stop-and-remove against an engine answering as Engine 20.10 does when another removal won. */
class FleetContainersTest {
  private static final ContainerView VIEW = view();

  private static ContainerView view() {
    try {
      return new ContainerView(new ObjectMapper().readValue(
          "{\"Id\":\"abc\",\"Names\":[\"/molt-web-r-0123456789-1a2b3c4d-0\"]}", Container.class));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A command whose {@code with*} calls return itself and whose {@code exec} runs {@code exec}. */
  @SuppressWarnings("unchecked")
  private static <T> T command(Class<T> type, Runnable exec) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getName().equals("exec")) {
            exec.run();
            return null;
          }
          return method.getName().startsWith("with") ? proxy : null;
        });
  }

  private static DockerClient engine(Runnable stop, Runnable remove) {
    return (DockerClient) Proxy.newProxyInstance(DockerClient.class.getClassLoader(),
        new Class<?>[] {DockerClient.class}, (proxy, method, args) -> switch (method.getName()) {
          case "stopContainerCmd" -> command(StopContainerCmd.class, stop);
          case "removeContainerCmd" -> command(RemoveContainerCmd.class, remove);
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void aRemovalAlreadyInProgressElsewhereCountsAsDone() {
    FleetContainers containers = new FleetContainers(engine(() -> { }, () -> {
      throw new ConflictException("Status 409: {\"message\":\"removal of container abc is"
          + " already in progress\"}");
    }), new Batches(1));

    assertThatCode(() -> containers.stopAndRemove(VIEW, Duration.ZERO)).doesNotThrowAnyException();
  }

  @Test
  void aContainerGoneBeforeTheStopOrTheRemoveCountsAsDone() {
    Runnable gone = () -> {
      throw new NotFoundException("Status 404: {\"message\":\"No such container: abc\"}");
    };

    assertThatCode(() -> new FleetContainers(engine(gone, gone), new Batches(1))
        .stopAndRemove(VIEW, Duration.ZERO)).doesNotThrowAnyException();
  }

  @Test
  void anyOtherConflictIsStillReported() {
    FleetContainers containers = new FleetContainers(engine(() -> { }, () -> {
      throw new ConflictException("Status 409: {\"message\":\"something else\"}");
    }), new Batches(1));

    assertThatThrownBy(() -> containers.stopAndRemove(VIEW, Duration.ZERO))
        .isInstanceOf(ProviderException.class).hasMessageContaining("something else");
  }
}
