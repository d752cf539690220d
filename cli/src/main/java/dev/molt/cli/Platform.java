package dev.molt.cli;

import dev.molt.aws.AwsProvider;
import dev.molt.docker.DockerProvider;
import dev.molt.engine.RolloutEngine;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.inmemory.InstanceBehavior;
import dev.molt.kubernetes.KubernetesProvider;
import dev.molt.spi.Provider;
import dev.molt.time.Scheduler;
import dev.molt.time.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The platform a command drives, opened from {@link PlatformOptions}: the provider (watched for
 * the progress line), the time it runs in, and what to close at the end.
 *
 * @param provider the provider, wrapped so the last observation of each fleet is known
 * @param name {@code simulation}, {@code simulation (real time)}, {@code docker}, ...
 * @param virtualTime the simulation's virtual time, when it is virtual
 * @param simulated the in-memory platform, in a simulation
 * @param clock the time engines read
 * @param scheduler the scheduler engines wait on, when the platform needs a shared one
 * @param closer closes the provider's clients and the scheduler's threads
 */
record Platform(Watched provider, String name, Optional<VirtualTime> virtualTime,
    Optional<InMemoryProvider> simulated, Clock clock, Optional<Scheduler> scheduler,
    AutoCloseable closer) implements AutoCloseable {

  private static final Duration DRAIN = Duration.ofSeconds(5);

  static Platform open(PlatformOptions options) {
    return switch (options.kind()) {
      case SIMULATE -> simulation(options);
      case DOCKER -> real("docker", options.dockerHost().map(DockerProvider::builder)
          .orElseGet(DockerProvider::builder).build());
      case KUBERNETES -> {
        KubernetesProvider.Builder b = KubernetesProvider.builder();
        options.namespace().ifPresent(b::namespace);
        yield real("kubernetes", b.build());
      }
      case AWS -> {
        AwsProvider.Builder b = AwsProvider.builder(region(options));
        options.targetGroup().ifPresent(b::targetGroup);
        yield real("aws", b.build());
      }
    };
  }

  private static Region region(PlatformOptions options) {
    if (options.region().isPresent()) {
      return Region.of(options.region().get());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "no AWS region is configured: give --region"
          + " us-east-1 (or set AWS_REGION, or a region in the AWS profile)", e);
    }
  }

  private static Platform real(String name, Provider provider) {
    AutoCloseable closer = provider instanceof AutoCloseable c ? c : () -> { };
    return new Platform(new Watched(provider), name, Optional.empty(), Optional.empty(),
        Clock.systemUTC(), Optional.empty(), closer);
  }

  private static Platform simulation(PlatformOptions options) {
    // the in-memory defaults (launch 20 s, healthy 10 s later, drain 5 s) unless told otherwise
    InstanceBehavior behavior = InstanceBehavior.healthy(options.simLaunch, options.simReady)
        .withDrainTime(Collections.min(List.of(DRAIN, options.simReady)));
    if (options.virtualTime()) {
      VirtualTime time = VirtualTime.create();
      InMemoryProvider sim = InMemoryProvider.builder(time).defaultBehavior(behavior).build();
      return new Platform(new Watched(sim), "simulation", Optional.of(time), Optional.of(sim),
          time.clock(), Optional.of(time), () -> { });
    }
    ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "molt-simulation");
      t.setDaemon(true);
      return t;
    });
    Scheduler scheduler = Scheduler.of(threads);
    InMemoryProvider sim = InMemoryProvider.builder(Clock.systemUTC(), scheduler)
        .defaultBehavior(behavior).build();
    return new Platform(new Watched(sim), "simulation (real time)", Optional.empty(),
        Optional.of(sim), Clock.systemUTC(), Optional.of(scheduler), threads::shutdownNow);
  }

  /** @return an engine builder on this platform's provider and time */
  RolloutEngine.Builder engine() {
    RolloutEngine.Builder b = RolloutEngine.builder(provider);
    virtualTime.ifPresentOrElse(b::time, () -> {
      b.clock(clock);
      scheduler.ifPresent(b::scheduler);
    });
    return b;
  }

  @Override
  public void close() {
    try {
      closer.close();
    } catch (Exception e) {
      // closing clients at exit: nothing is left to do with a failure but say it
      LoggerFactory.getLogger(Platform.class).warn("platform={} close failed: {}",
          name, e.toString());
    }
  }
}
