package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.spi.Health;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reads containers as the engine's list endpoint returns them (JSON recorded from Engine 20.10). */
class ContainerViewTest {
  private static final String LABELS = "\"Labels\":{\"molt.dev/managed-by\":\"molt\","
      + "\"molt.dev/fleet\":\"web\",\"molt.dev/revision\":\"r-0123456789\",\"molt.dev/port\":\"80\"}";

  private static ContainerView view(String state, String status) throws Exception {
    String json = "{\"Id\":\"abc\",\"Names\":[\"/molt-web-r-0123456789-1a2b3c4d-0\"],"
        + "\"Created\":1763780000,\"State\":\"" + state + "\",\"Status\":\"" + status + "\","
        + "\"Ports\":[{\"IP\":\"::\",\"PrivatePort\":80,\"PublicPort\":32769,\"Type\":\"tcp\"},"
        + "{\"IP\":\"127.0.0.1\",\"PrivatePort\":80,\"PublicPort\":32768,\"Type\":\"tcp\"}],"
        + "\"NetworkSettings\":{\"Networks\":{\"bridge\":{\"IPAddress\":\"172.17.0.3\"}}},"
        + LABELS + "}";
    return new ContainerView(new ObjectMapper().readValue(json, Container.class));
  }

  @ParameterizedTest
  @CsvSource({
      "running, Up 5 seconds (healthy), HEALTHY",
      "running, Up 5 seconds (unhealthy), UNHEALTHY",
      "running, Up 1 second (health: starting), UNKNOWN"})
  void theImagesOwnHealthcheckIsReadFromTheStatus(String state, String status, Health health)
      throws Exception {
    assertThat(view(state, status).ownHealth()).contains(health);
  }

  @Test
  void withoutHealthcheckThereIsNoOwnVerdict() throws Exception {
    assertThat(view("running", "Up 5 seconds").ownHealth()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"running, RUNNING", "created, LAUNCHING", "restarting, LAUNCHING",
      "exited, FAILED", "dead, FAILED", "removing, TERMINATED"})
  void engineStatesMapToInstanceStates(String state, InstanceState expected) throws Exception {
    assertThat(view(state, "").state()).isEqualTo(expected);
  }

  @Test
  void anOwnedContainerBecomesAnInstanceAddressedByItsPublishedIpv4Port() throws Exception {
    Instance i = view("running", "Up").toInstance("web", Optional.of("127.0.0.1"),
        InstanceState.RUNNING, Instant.EPOCH).orElseThrow();

    assertThat(i.id()).isEqualTo("molt-web-r-0123456789-1a2b3c4d-0");
    assertThat(i.address()).contains("127.0.0.1:32768");
    assertThat(i.revision().id()).isEqualTo("r-0123456789");
    assertThat(i.launchedAt()).isEqualTo(Instant.ofEpochSecond(1763780000));
    assertThat(view("running", "Up").address(80, Optional.empty())).contains("172.17.0.3:80");
  }

  @Test
  void anotherFleetsContainerIsNotAnInstanceOfThisFleet() throws Exception {
    assertThat(view("running", "Up").toInstance("api", Optional.of("127.0.0.1"),
        InstanceState.RUNNING, Instant.EPOCH)).isEmpty();
  }
}
