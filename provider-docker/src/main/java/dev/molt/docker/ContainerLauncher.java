package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.molt.HealthCheck;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.spi.LaunchRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Creates and starts the containers of one launch request: deterministic names, owner labels,
 * injected environment, published ports and the secure defaults. Idempotent per request key.
 */
final class ContainerLauncher {
  private final DockerClient client;
  private final SecretResolver secrets;
  private final Optional<String> publishOn;
  private final ImagePuller images;
  private final Batches batches;
  private final Optional<String> defaultZone;
  private final java.util.Set<String> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  ContainerLauncher(DockerClient client, SecretResolver secrets, Optional<String> publishOn,
      ImagePuller images, Batches batches, Optional<String> defaultZone) {
    this.client = client;
    this.secrets = secrets;
    this.publishOn = publishOn;
    this.images = images;
    this.batches = batches;
    this.defaultZone = defaultZone;
  }

  /**
   * Validates everything that can be checked without the engine, makes sure the image is there
   * (pulling it by digest if not), then creates and starts the containers side by side (bounded
   * by {@link Batches}). If one fails, the others still finish and the first failure is thrown:
   * the retry of the same request adopts what was made.
   */
  List<String> launch(LaunchRequest request) {
    LaunchSpec spec = request.spec();
    LaunchOptions options = LaunchOptions.parse(spec.options());
    List<String> env = environment(request);
    InspectImageResponse image = images.ensure(spec.image(), request.fleet());
    Optional<String> user = options.effectiveUser(imageUser(image));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < request.count(); i++) {
      names.add(ContainerNames.name(request.fleet(), request.revision(), request.requestKey(), i));
    }
    return batches.map(names, name -> createOrFind(name, request, options, user, env));
  }

  private static Optional<String> imageUser(InspectImageResponse image) {
    String user = image.getConfig() == null ? null : image.getConfig().getUser();
    return user == null || user.isBlank() ? Optional.empty() : Optional.of(user.strip());
  }

  /** @return whether a launch of this provider is creating or starting {@code name} right now */
  boolean launching(String name) {
    return inFlight.contains(name);
  }

  private String createOrFind(String name, LaunchRequest request, LaunchOptions options,
      Optional<String> user, List<String> env) {
    inFlight.add(name);
    try {
      return createOrFindNow(name, request, options, user, env);
    } finally {
      inFlight.remove(name);
    }
  }

  private String createOrFindNow(String name, LaunchRequest request, LaunchOptions options,
      Optional<String> user, List<String> env) {
    try {
      String id = DockerErrors.call("launch", name,
          () -> create(name, request, options, user, env).exec().getId());
      startContainer(id, name);
      return id;
    } catch (ProviderException e) {
      if (!(e.getCause() instanceof ConflictException)) {
        throw e;
      }
      // a retried launch: start what the first attempt created (starting twice is a no-op)
      String id = existing(name, request);
      startContainer(id, name);
      return id;
    }
  }

  private void startContainer(String id, String name) {
    try {
      DockerErrors.run("launch", name, () -> client.startContainerCmd(id).exec());
    } catch (ProviderException e) {
      if (!(e.getCause() instanceof NotModifiedException)) {
        throw e;
      }
    }
  }

  /** The container a previous attempt of the same request created under {@code name}. */
  private String existing(String name, LaunchRequest request) {
    List<Container> found = DockerErrors.call("launch", name, () -> client.listContainersCmd()
        .withShowAll(true).withNameFilter(List.of(name)).exec());
    for (Container c : found) {
      ContainerView view = new ContainerView(c);
      if (view.name().equals(name)) {
        if (view.ownedBy(request.fleet())
            && request.requestKey().equals(view.labels().get(DockerLabels.LAUNCH_KEY))) {
          return view.id();
        }
        throw new ProviderException("launch", name, false, "a container named " + name
            + " exists but was not created by launch request " + request.requestKey()
            + " of fleet " + request.fleet() + "; Molt does not touch it. Remove or rename it");
      }
    }
    throw new ProviderException("launch", name, true,
        "the engine reported a name conflict but lists no container named " + name);
  }

  private CreateContainerCmd create(String name, LaunchRequest request, LaunchOptions options,
      Optional<String> user, List<String> env) {
    LaunchSpec spec = request.spec();
    Map<String, String> labels = new LinkedHashMap<>(request.ownerLabels());
    labels.put(DockerLabels.LAUNCH_KEY, request.requestKey());
    // the zone asked for, else the host's; the container's label is the instance's zone
    request.zone().or(() -> defaultZone).ifPresent(z -> labels.put(OwnerLabels.ZONE, z));
    labels.put(DockerLabels.HEALTH, DockerLabels.health(spec.healthCheck()));
    primaryPort(spec).ifPresent(p -> labels.put(DockerLabels.PORT, Integer.toString(p)));
    if (!spec.secrets().isEmpty()) {
      labels.put(DockerLabels.SECRET_VARS, String.join(",", spec.secrets().keySet()));
    }
    List<ExposedPort> exposed = exposedPorts(spec);
    CreateContainerCmd cmd = client.createContainerCmd(spec.image().reference())
        .withName(name)
        .withLabels(labels)
        .withEnv(env)
        .withExposedPorts(exposed)
        .withHostConfig(hostConfig(options, exposed));
    if (!options.command().isEmpty()) {
      cmd.withCmd(options.command());
    }
    user.ifPresent(cmd::withUser);
    return cmd;
  }

  private HostConfig hostConfig(LaunchOptions options, List<ExposedPort> exposed) {
    HostConfig host = HostConfig.newHostConfig()
        .withInit(true) // a PID 1 that forwards SIGTERM: stops end in the grace period
        .withReadonlyRootfs(options.readOnlyRootfs())
        .withCapDrop(Capability.ALL)
        .withRestartPolicy(RestartPolicy.noRestart());
    if (!options.capAdd().isEmpty()) {
      host.withCapAdd(options.capAdd().toArray(new Capability[0]));
    }
    if (options.noNewPrivileges()) {
      host.withSecurityOpts(List.of("no-new-privileges"));
    }
    if (!options.tmpfs().isEmpty()) {
      Map<String, String> tmpfs = new LinkedHashMap<>();
      options.tmpfs().forEach(path -> tmpfs.put(path, "rw,noexec,nosuid,size=64m"));
      host.withTmpFs(tmpfs);
    }
    options.memoryBytes().ifPresent(host::withMemory);
    options.memorySwapBytes().ifPresent(host::withMemorySwap); // equal to memory: no swap
    host.withPidsLimit(options.pidsLimit());
    options.network().ifPresent(host::withNetworkMode);
    publishOn.ifPresent(ip -> host.withPortBindings(exposed.stream()
        .map(p -> new PortBinding(Ports.Binding.bindIp(ip), p)).toList()));
    return host;
  }

  private static List<ExposedPort> exposedPorts(LaunchSpec spec) {
    TreeSet<Integer> ports = new TreeSet<>(spec.ports());
    HealthCheck check = spec.healthCheck();
    if (check.kind() != HealthCheck.Kind.PLATFORM) {
      ports.add(check.port());
    }
    return ports.stream().map(ExposedPort::tcp).toList();
  }

  /** The port an instance's address points at: the health-checked one if served, else the first. */
  static Optional<Integer> primaryPort(LaunchSpec spec) {
    int checked = spec.healthCheck().port();
    if (spec.ports().contains(checked)) {
      return Optional.of(checked);
    }
    return spec.ports().stream().findFirst();
  }

  private List<String> environment(LaunchRequest request) {
    List<String> env = new ArrayList<>();
    request.spec().environment().forEach((k, v) -> env.add(k + "=" + v));
    request.spec().secrets().forEach((variable, reference) -> {
      String value = secrets.resolve(reference).orElseThrow(() -> new ProviderException("launch",
          "fleet " + request.fleet(), false, "the secret for variable " + variable
              + " could not be resolved; configure DockerProvider.Builder.secrets(...)"));
      env.add(variable + "=" + value);
    });
    return env;
  }
}
