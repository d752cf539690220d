package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectImageCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.RemoveContainerCmd;
import com.github.dockerjava.api.command.StartContainerCmd;
import com.github.dockerjava.api.command.StopContainerCmd;
import com.github.dockerjava.api.model.Container;
import dev.molt.Image;
import dev.molt.LaunchSpec;
import dev.molt.spi.LaunchRequest;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 6: the containers of one batch are created and started, or stopped and removed,
 * side by side, never more than the provider's parallelism at once. The fake engine makes each
 * create (or stop) wait until {@code parallelism} of them are in flight: one after another, the
 * first would wait alone and the test fail.
 */
class ParallelBatchesTest {
  private static final int PARALLELISM = 2;
  private final Batches batches = new Batches(PARALLELISM);
  private final CyclicBarrier together = new CyclicBarrier(PARALLELISM);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();

  @AfterEach
  void close() {
    batches.close();
  }

  /** Blocks until {@link #PARALLELISM} calls are in flight (at most 10 s), counting the peak. */
  private <T> T slowCall(Supplier<T> result) {
    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      together.await(10, TimeUnit.SECONDS);
      return result.get();
    } catch (Exception e) {
      throw new IllegalStateException("calls did not overlap: " + e, e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T command(Class<T> type, Supplier<Object> exec) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> method.getName().equals("exec") ? exec.get()
            : method.getName().startsWith("with") ? proxy : null);
  }

  private DockerClient engine() {
    return (DockerClient) Proxy.newProxyInstance(DockerClient.class.getClassLoader(),
        new Class<?>[] {DockerClient.class}, (proxy, method, args) -> switch (method.getName()) {
          case "inspectImageCmd" -> command(InspectImageCmd.class, InspectImageResponse::new);
          case "createContainerCmd" -> command(CreateContainerCmd.class, () -> slowCall(() -> {
            CreateContainerResponse r = new CreateContainerResponse();
            r.setId("id-" + ids.incrementAndGet());
            return r;
          }));
          case "startContainerCmd" -> command(StartContainerCmd.class, () -> null);
          case "stopContainerCmd" -> command(StopContainerCmd.class, () -> slowCall(() -> null));
          case "removeContainerCmd" -> command(RemoveContainerCmd.class, () -> null);
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void aLaunchCreatesAndStartsItsContainersSideBySideWithinTheBound() {
    DockerClient engine = engine();
    ContainerLauncher launcher = new ContainerLauncher(engine, SecretResolver.none(),
        Optional.of("127.0.0.1"), new ImagePuller(engine, Map.of(),
            Duration.ofMinutes(1)), batches, Optional.empty());
    LaunchSpec spec = DockerFixture.spec(Image.of("sha256:" + "a".repeat(64), "v1"));

    List<String> created = launcher.launch(new LaunchRequest("web", spec, 4, "ro-1", "ro-1-1"));

    assertThat(created).hasSize(4).doesNotHaveDuplicates();
    assertThat(mostInFlight).as("creates in flight at once").hasValue(PARALLELISM);
  }

  @Test
  void aTerminateStopsItsContainersSideBySideWithinTheBound() throws Exception {
    List<ContainerView> views = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      views.add(new ContainerView(new ObjectMapper().readValue("{\"Id\":\"c" + i
          + "\",\"Names\":[\"/molt-web-r-0123456789-1a2b3c4d-" + i + "\"]}", Container.class)));
    }

    new FleetContainers(engine(), batches).stopAndRemoveAll(views, Duration.ZERO);

    assertThat(mostInFlight).as("stops in flight at once").hasValue(PARALLELISM);
  }
}
