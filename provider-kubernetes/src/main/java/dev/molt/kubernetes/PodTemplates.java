package dev.molt.kubernetes;

import dev.molt.HealthCheck;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.OwnerLabels;
import dev.molt.Revision;
import dev.molt.spi.LaunchRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@link LaunchRequest} into the revision's ReplicaSet: its name, labels, selector and pod
 * template (image, environment, secret references, ports, readiness probe, resources). Pure: no
 * API calls.
 */
final class PodTemplates {
  /** Pods the fleet's Service selects carry {@code true}; drain sets {@code false}. */
  static final String SERVING = "molt.dev/serving";
  /** Hash of the request key whose launch created a pod (set on the template before scaling). */
  static final String LAUNCH = "molt.dev/launch";
  /** ReplicaSet annotation: hashes of the request keys applied to it, oldest first. */
  static final String LAUNCH_KEYS = "molt.dev/launch-keys";
  /** Pod annotation: when drain took the pod out of the Service (ISO-8601). */
  static final String DRAINED_AT = "molt.dev/drained-at";
  /** The container's name in every pod. */
  static final String CONTAINER = "app";
  /** Request keys remembered per ReplicaSet; older ones are forgotten. */
  static final int KEYS_KEPT = 64;

  static final String OPTION_CPU = "kubernetes.cpu";
  static final String OPTION_MEMORY = "kubernetes.memory";
  static final String OPTION_SERVICE_ACCOUNT = "kubernetes.serviceAccount";
  /** {@code false} opts out of {@code runAsNonRoot} (default {@code true}). */
  static final String OPTION_NON_ROOT = "kubernetes.nonRoot";
  /** {@code <uid>} or {@code <uid>:<gid>}: {@code runAsUser}/{@code runAsGroup} (default: image's). */
  static final String OPTION_USER = "kubernetes.user";
  /** {@code false} opts out of {@code readOnlyRootFilesystem} (default {@code true}). */
  static final String OPTION_READ_ONLY = "kubernetes.readOnlyRootfs";
  /** {@code false} opts out of {@code allowPrivilegeEscalation: false} (default {@code true}). */
  static final String OPTION_NO_NEW_PRIVILEGES = "kubernetes.noNewPrivileges";
  /** Capabilities added back after dropping {@code ALL}, comma-separated (default none). */
  static final String OPTION_CAP_ADD = "kubernetes.capAdd";
  /** {@code RuntimeDefault} (default) or {@code Unconfined}: the pod's seccomp profile. */
  static final String OPTION_SECCOMP = "kubernetes.seccomp";
  /** Writable {@code emptyDir} mounts, comma-separated paths (default {@code /tmp}); {@code none}. */
  static final String OPTION_TMPFS = "kubernetes.tmpfs";
  private static final Set<String> OPTIONS = Set.of(OPTION_CPU, OPTION_MEMORY,
      OPTION_SERVICE_ACCOUNT, OPTION_NON_ROOT, OPTION_USER, OPTION_READ_ONLY,
      OPTION_NO_NEW_PRIVILEGES, OPTION_CAP_ADD, OPTION_SECCOMP, OPTION_TMPFS);
  private static final Pattern USER = Pattern.compile("([0-9]+)(:([0-9]+))?");
  private static final Pattern CAPABILITY = Pattern.compile("[A-Z][A-Z_]*");
  private static final Pattern PATH = Pattern.compile("/[-._/a-zA-Z0-9]*");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SECRET_REF =
      Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?)/([-._a-zA-Z0-9]+)");
  /** Leaves room for {@code -r-<10 hex>} and the controller's {@code -<5 chars>} in 63. */
  static final int MAX_FLEET = 44;

  private PodTemplates() {}

  /**
   * Checks that a fleet name can name Kubernetes objects and label values.
   *
   * @throws InvalidSpecException if it cannot
   */
  static String checkFleet(String fleet) {
    if (fleet.length() > MAX_FLEET || !DNS_LABEL.matcher(fleet).matches()) {
      throw new InvalidSpecException("fleet", "'" + fleet + "' cannot name Kubernetes objects:"
          + " use at most " + MAX_FLEET + " lowercase letters, digits and '-', starting and"
          + " ending with a letter or digit");
    }
    return fleet;
  }

  /** @return the ReplicaSet name of a fleet's revision: {@code <fleet>-<revision>} */
  static String replicaSetName(String fleet, Revision revision) {
    return fleet + "-" + revision.id();
  }

  /** @return the labels that select a fleet's pods of one revision (the ReplicaSet's selector) */
  static Map<String, String> selector(String fleet, Revision revision) {
    return Map.of(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER, OwnerLabels.FLEET, fleet,
        OwnerLabels.REVISION, revision.id());
  }

  /** @return the labels that select all of a fleet's pods Molt owns */
  static Map<String, String> fleetSelector(String fleet) {
    return Map.of(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER, OwnerLabels.FLEET, fleet);
  }

  /** @return a label-safe hash of a request key (keys may hold any character) */
  static String keyHash(String requestKey) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(requestKey.getBytes(StandardCharsets.UTF_8));
      return "k" + HexFormat.of().formatHex(hash).substring(0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Makes any text a valid label value: characters outside {@code [A-Za-z0-9._-]} become {@code
   * -}, at most 63 characters, starting and ending with a letter or digit.
   */
  static String labelValue(String text) {
    String v = text.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    if (v.length() > 63) {
      v = v.substring(0, 63);
    }
    return v.replaceAll("[^A-Za-z0-9]+$", "");
  }

  /** @return the applied key hashes recorded on a ReplicaSet, oldest first */
  static List<String> appliedKeys(ReplicaSet rs) {
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(LAUNCH_KEYS);
    return value == null || value.isBlank() ? List.of() : List.of(value.split(","));
  }

  /** @return the annotation value recording {@code keys} plus {@code added}, newest kept */
  static String withKey(List<String> keys, String added) {
    List<String> all = new ArrayList<>(keys);
    all.add(added);
    return String.join(",", all.subList(Math.max(0, all.size() - KEYS_KEPT), all.size()));
  }

  /** @return a new ReplicaSet of {@code replicas} pods for the request's revision */
  static ReplicaSet replicaSet(String namespace, LaunchRequest request, int replicas) {
    return replicaSet(namespace, request, replicas, false);
  }

  /**
   * @param held whether the pods are held out of the fleet's shared Service until a split
   * @return a new ReplicaSet of {@code replicas} pods for the request's revision (and zone)
   */
  static ReplicaSet replicaSet(String namespace, LaunchRequest request, int replicas,
      boolean held) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
          .withName(ZonePins.replicaSetName(request))
          .withNamespace(namespace)
          .withLabels(ownerLabels(request))
          .withAnnotations(new LinkedHashMap<>(Map.of(LAUNCH_KEYS, keyHash(request.requestKey()))))
        .endMetadata()
        .withNewSpec()
          .withReplicas(replicas)
          .withNewSelector().withMatchLabels(ZonePins.selector(request)).endSelector()
          .withTemplate(template(request, held))
        .endSpec()
        .build();
  }

  /** @return the owner labels, with the rollout id made label-safe, and the zone pin if any */
  static Map<String, String> ownerLabels(LaunchRequest request) {
    Map<String, String> labels = new LinkedHashMap<>(request.ownerLabels());
    labels.put(OwnerLabels.ROLLOUT, labelValue(request.rolloutId()));
    request.zone().ifPresent(z -> labels.put(ZonePins.LABEL, z));
    return labels;
  }

  /** @return the pod template: owner labels, serving, the launch key; the spec's container */
  static PodTemplateSpec template(LaunchRequest request) {
    return template(request, false);
  }

  /**
   * @param held {@code molt.dev/held=true}: the pods stay out of the fleet's shared Service (the
   *     traffic router's even sharing) until a split ends the hold
   * @return the pod template: owner labels, serving, held, the launch key; the spec's container;
   *     for a zoned request the zone pin and the node selector of {@link ZonePins}
   */
  static PodTemplateSpec template(LaunchRequest request, boolean held) {
    LaunchSpec spec = request.spec();
    Map<String, String> labels = new LinkedHashMap<>(ownerLabels(request));
    labels.put(SERVING, "true");
    labels.put(RouteMapping.HELD, Boolean.toString(held));
    labels.put(LAUNCH, keyHash(request.requestKey()));
    Hardening hardening = Hardening.of(spec);
    PodTemplateSpecBuilder b = new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec()
          .withSecurityContext(hardening.pod())
          .withContainers(container(spec, hardening))
          .withVolumes(hardening.volumes())
        .endSpec();
    Optional.ofNullable(spec.options().get(OPTION_SERVICE_ACCOUNT))
        .ifPresent(sa -> b.editSpec().withServiceAccountName(sa).endSpec());
    request.zone().ifPresent(z -> b.editSpec().withNodeSelector(ZonePins.nodeSelector(z))
        .endSpec());
    return b.build();
  }

  /**
   * Checks the spec before any API call: a digest reference, secret references of the form {@code
   * <secret>/<key>}, known {@code kubernetes.*} options.
   *
   * @throws InvalidSpecException naming the field
   */
  static void check(LaunchSpec spec) {
    String ref = spec.image().reference();
    if (!ref.contains("@sha256:")) {
      throw new InvalidSpecException("image.reference", "'" + ref + "' is not a registry"
          + " reference by digest (repo@sha256:...); a cluster cannot pull a local image id or"
          + " a machine image");
    }
    spec.secrets().forEach((name, reference) -> {
      if (!SECRET_REF.matcher(reference).matches()) {
        throw new InvalidSpecException("secrets[" + name + "]", "must name a Secret key as"
            + " <secret>/<key>, such as db-credentials/password");
      }
    });
    for (String option : spec.options().keySet()) {
      if (option.startsWith("kubernetes.") && !OPTIONS.contains(option)) {
        throw new InvalidSpecException("options[" + option + "]", "is not a Kubernetes provider"
            + " option; known: " + new java.util.TreeSet<>(OPTIONS));
      }
    }
    Hardening.of(spec); // the security options' values, before any call
    for (String option : List.of(OPTION_CPU, OPTION_MEMORY)) {
      String value = spec.options().get(option);
      if (value != null && !value.matches("[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?")) {
        throw new InvalidSpecException("options[" + option + "]", "'" + value
            + "' is not a Kubernetes quantity such as 250m or 256Mi");
      }
    }
  }

  private static Container container(LaunchSpec spec, Hardening hardening) {
    List<EnvVar> env = new ArrayList<>();
    spec.environment().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
    spec.secrets().forEach((k, ref) -> {
      int slash = ref.indexOf('/');
      env.add(new EnvVarBuilder().withName(k).withNewValueFrom().withNewSecretKeyRef()
          .withName(ref.substring(0, slash)).withKey(ref.substring(slash + 1)).endSecretKeyRef()
          .endValueFrom().build());
    });
    ContainerBuilder c = new ContainerBuilder().withName(CONTAINER)
        .withImage(spec.image().reference()).withEnv(env)
        .withSecurityContext(hardening.container()).withVolumeMounts(hardening.mounts());
    spec.ports().forEach(p -> c.addNewPort().withContainerPort(p).withProtocol("TCP").endPort());
    readinessProbe(spec.healthCheck()).ifPresent(c::withReadinessProbe);
    Map<String, Quantity> resources = new LinkedHashMap<>();
    Optional.ofNullable(spec.options().get(OPTION_CPU))
        .ifPresent(v -> resources.put("cpu", new Quantity(v)));
    Optional.ofNullable(spec.options().get(OPTION_MEMORY))
        .ifPresent(v -> resources.put("memory", new Quantity(v)));
    if (!resources.isEmpty()) {
      c.withResources(new ResourceRequirementsBuilder().withRequests(resources)
          .withLimits(resources).build());
    }
    return c.build();
  }

  /** @return the readiness probe of a health check; none for PLATFORM (ready = running) */
  static Optional<Probe> readinessProbe(HealthCheck check) {
    ProbeBuilder probe = new ProbeBuilder()
        .withPeriodSeconds(seconds(check.interval()))
        .withTimeoutSeconds(seconds(check.timeout()))
        .withFailureThreshold(3)
        .withSuccessThreshold(1);
    switch (check.kind()) {
      case HTTP:
        return Optional.of(probe.withNewHttpGet().withPath(check.path())
            .withPort(new IntOrString(check.port())).endHttpGet().build());
      case TCP:
        return Optional.of(probe.withNewTcpSocket().withPort(new IntOrString(check.port()))
            .endTcpSocket().build());
      default:
        return Optional.empty();
    }
  }

  /** Probes count whole seconds, at least 1. */
  private static int seconds(Duration d) {
    long s = (d.toMillis() + 999) / 1000;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, s));
  }

  /**
   * The secure defaults of every pod, each with its opt-out option: {@code runAsNonRoot}, the
   * {@code RuntimeDefault} seccomp profile, a read-only root filesystem, no privilege escalation,
   * every capability dropped, and an {@code emptyDir} at {@code /tmp}.
   */
  record Hardening(PodSecurityContext pod, SecurityContext container, List<Volume> volumes,
      List<VolumeMount> mounts) {

    /** @throws InvalidSpecException naming the option whose value is wrong */
    static Hardening of(LaunchSpec spec) {
      Map<String, String> o = spec.options();
      boolean nonRoot = flag(o, OPTION_NON_ROOT);
      PodSecurityContextBuilder pod = new PodSecurityContextBuilder().withRunAsNonRoot(nonRoot)
          .withNewSeccompProfile().withType(seccomp(o)).endSeccompProfile();
      Optional.ofNullable(o.get(OPTION_USER)).ifPresent(u -> {
        var m = USER.matcher(u);
        if (!m.matches()) {
          throw new InvalidSpecException("options[" + OPTION_USER + "]", "must be <uid> or"
              + " <uid>:<gid> (numbers: a pod cannot name a user), was '" + u + "'");
        }
        long uid = Long.parseLong(m.group(1));
        if (uid == 0 && nonRoot) {
          throw new InvalidSpecException("options[" + OPTION_USER + "]", "uid 0 is root: set "
              + OPTION_NON_ROOT + "=false to run as root");
        }
        pod.withRunAsUser(uid);
        Optional.ofNullable(m.group(3)).map(Long::parseLong).ifPresent(pod::withRunAsGroup);
      });
      List<String> add = list(o, OPTION_CAP_ADD, List.of());
      add.forEach(c -> {
        if (!CAPABILITY.matcher(c).matches()) {
          throw new InvalidSpecException("options[" + OPTION_CAP_ADD + "]", "'" + c
              + "' is not a capability name such as NET_BIND_SERVICE");
        }
      });
      SecurityContext container = new SecurityContextBuilder()
          .withReadOnlyRootFilesystem(flag(o, OPTION_READ_ONLY))
          .withAllowPrivilegeEscalation(!flag(o, OPTION_NO_NEW_PRIVILEGES))
          .withNewCapabilities().withDrop("ALL").withAdd(add).endCapabilities().build();
      List<String> paths = "none".equals(o.get(OPTION_TMPFS)) ? List.of()
          : list(o, OPTION_TMPFS, List.of("/tmp"));
      List<Volume> volumes = new ArrayList<>();
      List<VolumeMount> mounts = new ArrayList<>();
      for (int i = 0; i < paths.size(); i++) {
        String path = paths.get(i);
        if (!PATH.matcher(path).matches()) {
          throw new InvalidSpecException("options[" + OPTION_TMPFS + "]", "'" + path
              + "' is not an absolute path");
        }
        String name = "molt-tmp-" + i;
        volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName(name).withMountPath(path).build());
      }
      return new Hardening(pod.build(), container, volumes, mounts);
    }

    private static boolean flag(Map<String, String> o, String option) {
      String v = o.getOrDefault(option, "true");
      if (!v.equals("true") && !v.equals("false")) {
        throw new InvalidSpecException("options[" + option + "]", "must be true or false, was '"
            + v + "'");
      }
      return Boolean.parseBoolean(v);
    }

    private static String seccomp(Map<String, String> o) {
      String v = o.getOrDefault(OPTION_SECCOMP, "RuntimeDefault");
      if (!v.equals("RuntimeDefault") && !v.equals("Unconfined")) {
        throw new InvalidSpecException("options[" + OPTION_SECCOMP + "]", "must be"
            + " RuntimeDefault or Unconfined, was '" + v + "'");
      }
      return v;
    }

    private static List<String> list(Map<String, String> o, String option, List<String> dflt) {
      String v = o.get(option);
      return v == null ? dflt : java.util.Arrays.stream(v.split(",")).map(String::trim)
          .filter(x -> !x.isEmpty()).toList();
    }
  }
}
