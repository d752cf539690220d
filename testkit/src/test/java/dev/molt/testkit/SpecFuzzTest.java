package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.HealthCheck;
import dev.molt.Image;
import dev.molt.InvalidSpecException;
import dev.molt.LaunchSpec;
import dev.molt.rollout.RolloutSpec;
import dev.molt.engine.RolloutEngine;
import dev.molt.strategy.Amount;
import dev.molt.strategy.RollingUpdate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the spec builders with random field values, each valid or deliberately broken: a spec
 * builds exactly when no field was broken, a rejection is an {@link InvalidSpecException} naming one
 * of the broken fields, and no provider call happens for a rejected spec.
 */
class SpecFuzzTest {

  static LongStream seeds() {
    return new Random(8675309L).longs(400);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aRandomSpecIsEitherValidOrRejectedNamingABrokenField(long seed) {
    Random r = new Random(seed);
    Set<String> broken = new HashSet<>();
    SimulatedPlatform sim = SimulatedPlatform.create(seed);
    RolloutEngine engine = sim.engine();
    try {
      RolloutSpec spec = randomSpec(r, broken);
      assertThat(broken).as("seed %d built a spec although %s were broken", seed, broken)
          .isEmpty();
      assertThat(engine.start(spec).id()).startsWith("ro-");
    } catch (InvalidSpecException e) {
      assertThat(broken).as("seed %d: %s", seed, e.getMessage()).isNotEmpty();
      assertThat(broken).as("seed %d: rejected field %s", seed, e.field())
          .anyMatch(f -> e.field().equals(f) || e.field().endsWith("." + f)
              || e.field().startsWith(f));
      assertThat(sim.provider().calls()).as("no platform call for a rejected spec").isEmpty();
    }
  }

  private static RolloutSpec randomSpec(Random r, Set<String> broken) {
    String reference = pick(r, broken, "reference", "registry.example/app@sha256:" + "c".repeat(64),
        "nginx:latest");
    String version = pick(r, broken, "version", "v" + r.nextInt(100), " ");
    int port = r.nextInt(8) == 0 ? mark(broken, "ports[0]", r.nextBoolean() ? 0 : 70000)
        : 1 + r.nextInt(65535);
    int healthPort = switch (r.nextInt(16)) {
      case 0, 1 -> mark(broken, "port", -1);
      case 2 -> port == 80 ? port : mark(broken, "healthCheck.port", 80); // a port not served
      default -> port >= 1 && port <= 65535 ? port : 8080; // ports[0] is broken already
    };
    String path = pick(r, broken, "path", "/health", "health");
    Duration interval = r.nextInt(10) == 0 ? markDuration(broken, "interval", Duration.ZERO)
        : Duration.ofSeconds(1 + r.nextInt(5));
    String fleet = pick(r, broken, "fleet", "web-" + r.nextInt(100), "Web_" + r.nextInt(100));
    int capacity = r.nextInt(10) == 0 ? mark(broken, "capacity", -1 - r.nextInt(5))
        : r.nextInt(20);
    Duration deadline = r.nextInt(10) == 0
        ? markDuration(broken, "progressDeadline", Duration.ofSeconds(-1))
        : Duration.ofMinutes(1 + r.nextInt(30));
    Image image = Image.of(reference, version);
    LaunchSpec target = LaunchSpec.builder(image).ports(port)
        .healthCheck(new HealthCheck(HealthCheck.Kind.HTTP, healthPort, path, interval,
            Duration.ofSeconds(1)))
        .env("MODE", "fuzz").build();
    int unavailable = 1 + r.nextInt(2);
    if (capacity > 0 && unavailable > capacity) {
      broken.add("maxUnavailable"); // more than the fleet could ever lack
    }
    RollingUpdate strategy = RollingUpdate.of(Amount.of(r.nextInt(3)), Amount.of(unavailable));
    return RolloutSpec.builder(fleet).capacity(capacity).target(target).strategy(strategy)
        .progressDeadline(deadline).build();
  }

  private static String pick(Random r, Set<String> broken, String field, String good, String bad) {
    if (r.nextInt(8) == 0) {
      broken.add(field);
      return bad;
    }
    return good;
  }

  private static int mark(Set<String> broken, String field, int value) {
    broken.add(field);
    return value;
  }

  private static Duration markDuration(Set<String> broken, String field, Duration value) {
    broken.add(field);
    return value;
  }
}
