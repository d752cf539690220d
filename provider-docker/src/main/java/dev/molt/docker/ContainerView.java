package dev.molt.docker;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ContainerPort;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.spi.Health;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a container as the engine lists it: name, owner labels, state, health status and
 * addresses. Everything comes from one list call; nothing is inspected per container.
 */
final class ContainerView {
  private final Container container;

  ContainerView(Container container) {
    this.container = container;
  }

  String name() {
    String[] names = container.getNames();
    String first = names == null || names.length == 0 ? container.getId() : names[0];
    return first.startsWith("/") ? first.substring(1) : first;
  }

  String id() {
    return container.getId();
  }

  Map<String, String> labels() {
    return container.getLabels() == null ? Map.of() : container.getLabels();
  }

  /** Molt's labels, with a revision label that parses; anything else is not ours. */
  boolean ownedBy(String fleet) {
    return OwnerLabels.isOwned(labels(), fleet) && revision().isPresent();
  }

  Optional<Revision> revision() {
    try {
      return Optional.of(Revision.of(labels().get(OwnerLabels.REVISION)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** @return whether the engine lists it {@code created}: made, never started */
  boolean isCreated() {
    return "created".equals(container.getState());
  }

  /** The container's lifecycle as Molt sees it, before any drain overlay. */
  InstanceState state() {
    String s = container.getState() == null ? "" : container.getState();
    return switch (s) {
      case "running", "paused" -> InstanceState.RUNNING;
      case "created", "restarting" -> InstanceState.LAUNCHING;
      case "removing" -> InstanceState.TERMINATED;
      default -> InstanceState.FAILED; // exited, dead: a container Molt did not stop
    };
  }

  /**
   * The verdict of the image's own HEALTHCHECK, from the status text ("Up 5 seconds (healthy)").
   *
   * @return empty when the container has no HEALTHCHECK
   */
  Optional<Health> ownHealth() {
    String status = container.getStatus() == null ? "" : container.getStatus();
    if (status.contains("(healthy)")) {
      return Optional.of(Health.HEALTHY);
    }
    if (status.contains("(unhealthy)")) {
      return Optional.of(Health.UNHEALTHY);
    }
    if (status.contains("(health: starting)")) {
      return Optional.of(Health.UNKNOWN);
    }
    return Optional.empty();
  }

  /**
   * Where {@code port} of the container is reached from here.
   *
   * @param port the container port
   * @param publishedOn the host the ports are published on; empty to use the container's IP
   * @return {@code host:port}, empty while not known (not started, not published)
   */
  Optional<String> address(int port, Optional<String> publishedOn) {
    if (publishedOn.isEmpty()) {
      return containerIp().map(ip -> ip + ":" + port);
    }
    ContainerPort[] ports = container.getPorts() == null ? new ContainerPort[0]
        : container.getPorts();
    for (ContainerPort p : ports) {
      if (p.getPrivatePort() != null && p.getPrivatePort() == port && p.getPublicPort() != null
          && (p.getIp() == null || !p.getIp().contains(":"))) {
        return Optional.of(publishedOn.get() + ":" + p.getPublicPort());
      }
    }
    return Optional.empty();
  }

  private Optional<String> containerIp() {
    if (container.getNetworkSettings() == null
        || container.getNetworkSettings().getNetworks() == null) {
      return Optional.empty();
    }
    return container.getNetworkSettings().getNetworks().values().stream()
        .map(ContainerNetwork::getIpAddress)
        .filter(ip -> ip != null && !ip.isBlank())
        .findFirst();
  }

  Instant created() {
    Long seconds = container.getCreated();
    return Instant.ofEpochSecond(seconds == null ? 0 : seconds);
  }

  /**
   * The instance, in {@code state} since {@code since}; empty if the container is not Molt's. It
   * reports no {@code healthySince}: Molt's own probe leaves no history, and the list call does
   * not carry a HEALTHCHECK's log (see docs/docker-provider.md, "Healthy since"), so the engine
   * dates the healthy streak from its own observations.
   */
  Optional<Instance> toInstance(String fleet, Optional<String> publishedOn, InstanceState state,
      Instant since) {
    if (!ownedBy(fleet)) {
      return Optional.empty();
    }
    Optional<String> address = port().flatMap(p -> address(p, publishedOn));
    return Optional.of(new Instance(name(), fleet, revision().orElseThrow(), address, state,
        created(), since, Optional.empty(), labels()));
  }

  private Optional<Integer> port() {
    try {
      return Optional.of(Integer.parseInt(labels().get(DockerLabels.PORT)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
