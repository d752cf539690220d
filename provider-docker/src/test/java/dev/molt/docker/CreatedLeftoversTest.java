package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import dev.molt.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a container the engine lists {@code created} is a leftover of a cut-off launch. */
class CreatedLeftoversTest {
  private static final String NAME = "molt-web-r-0123456789-1a2b3c4d-0";
  private static final Instant CREATED = Instant.ofEpochSecond(1763780000);

  private static ContainerView view(String state) throws Exception {
    String json = "{\"Id\":\"abc\",\"Names\":[\"/" + NAME + "\"],\"Created\":"
        + CREATED.getEpochSecond() + ",\"State\":\"" + state + "\",\"Labels\":{"
        + "\"molt.dev/managed-by\":\"molt\",\"molt.dev/fleet\":\"web\","
        + "\"molt.dev/revision\":\"r-0123456789\"}}";
    return new ContainerView(new ObjectMapper().readValue(json, Container.class));
  }

  @ParameterizedTest(name = "{0}, {1}s after create, launching now {2}: {3}")
  @CsvSource({
      "created, 29, false, LAUNCHING",   // a launch starts right after create: give it time
      "created, 30, false, FAILED",      // nobody came back to start it
      "created, 300, true, LAUNCHING",   // this provider's launch is on it (a slow start)
      "restarting, 300, false, LAUNCHING",
      "running, 300, false, RUNNING"})
  void aContainerLeftCreatedPastTheBoundAndLaunchedByNobodyIsFailed(String state, int seconds,
      boolean launching, InstanceState expected) throws Exception {
    CreatedLeftovers leftovers = new CreatedLeftovers(Duration.ofSeconds(30),
        name -> launching && name.equals(NAME));
    ContainerView view = view(state);

    InstanceState seen = leftovers.state(view, view.state(), CREATED.plusSeconds(seconds));

    assertThat(seen).isEqualTo(expected);
    assertThat(leftovers.isLeftover(view, view.state(), CREATED.plusSeconds(seconds)))
        .isEqualTo(expected == InstanceState.FAILED && Set.of("created").contains(state));
  }
}
