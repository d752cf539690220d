package dev.molt.cli;

import dev.molt.gate.Verdict;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which platform a command drives and how: the in-memory simulation (default), Docker,
 * Kubernetes or AWS, each with its usual configuration (docs/cli.md, "Platforms").
 */
final class PlatformOptions {
  /** The platforms a command can drive. */
  enum Kind { SIMULATE, DOCKER, KUBERNETES, AWS }

  @Option(names = "--platform", paramLabel = "<platform>",
      description = "simulate (default: the in-memory platform), docker (DOCKER_HOST),"
          + " kubernetes (kubeconfig) or aws (the AWS default credentials chain).")
  Kind platform;

  @Option(names = "--simulate", description = "Rehearse on the in-memory platform in virtual time"
      + " (the default platform): nothing outside this process is touched.")
  boolean simulate;

  @Option(names = "--real-time", description = "Run the simulation on the wall clock instead of"
      + " virtual time, so that molt pause|resume|promote|abort from another terminal can steer"
      + " it through the store.")
  boolean realTime;

  @Option(names = "--gate-verdict", paramLabel = "<verdict>", defaultValue = "PASS",
      description = "In a simulation, what every gate that reads outside the fleet (metrics, HTTP"
          + " probes) concludes: PASS (default), FAIL, INCONCLUSIVE, INSUFFICIENT_DATA or ERROR."
          + " Health-share gates measure the simulated fleet.")
  Verdict gateVerdict;

  @Option(names = "--sim-launch", paramLabel = "<duration>", defaultValue = "20s",
      converter = DurationConverter.class,
      description = "In a simulation, how long a launch takes (default 20s).")
  Duration simLaunch;

  @Option(names = "--sim-ready", paramLabel = "<duration>", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "In a simulation, how long a launched instance takes to turn healthy"
          + " (default 10s).")
  Duration simReady;

  @Option(names = "--seed", paramLabel = "<n>", defaultValue = "42",
      description = "In a simulation, the seed for rollout ids and retry jitter (default 42).")
  long seed;

  @Option(names = "--docker-host", paramLabel = "<url>",
      description = "Docker: the engine (default DOCKER_HOST, else the local socket).")
  String dockerHost;

  @Option(names = "--namespace", paramLabel = "<name>",
      description = "Kubernetes: the namespace (default the kubeconfig's, else default).")
  String namespace;

  @Option(names = "--region", paramLabel = "<region>",
      description = "AWS: the region (default the SDK's chain: AWS_REGION, the profile).")
  String region;

  @Option(names = "--target-group", paramLabel = "<arn>",
      description = "AWS: the ELBv2 target group every revision's instances join (default none).")
  String targetGroup;

  @Option(names = "--poll", paramLabel = "<duration>", defaultValue = "2s",
      converter = DurationConverter.class,
      description = "The longest wait between observations, and how often controls from other"
          + " terminals are picked up (default 2s).")
  Duration poll;

  /** @return the chosen platform */
  Kind kind() {
    if (simulate && platform != null && platform != Kind.SIMULATE) {
      throw new CliException(ExitCode.BAD_INPUT, "--simulate and --platform "
          + platform.name().toLowerCase(java.util.Locale.ROOT) + " contradict each other: give"
          + " one of them");
    }
    Kind kind = platform == null ? Kind.SIMULATE : platform;
    if (realTime && kind != Kind.SIMULATE) {
      throw new CliException(ExitCode.BAD_INPUT, "--real-time applies to the simulation only;"
          + " a real platform always runs on the wall clock: drop --real-time");
    }
    return kind;
  }

  /** @return whether the run is in virtual time (a simulation without --real-time) */
  boolean virtualTime() {
    return kind() == Kind.SIMULATE && !realTime;
  }

  Optional<String> dockerHost() {
    return Optional.ofNullable(dockerHost).filter(s -> !s.isBlank());
  }

  Optional<String> namespace() {
    return Optional.ofNullable(namespace).filter(s -> !s.isBlank());
  }

  Optional<String> region() {
    return Optional.ofNullable(region).filter(s -> !s.isBlank());
  }

  Optional<String> targetGroup() {
    return Optional.ofNullable(targetGroup).filter(s -> !s.isBlank());
  }
}
