package dev.molt.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test method a fresh {@link SimulatedPlatform} parameter: virtual time, an in-memory
 * platform, a shared store and engines, all derived from one seed. The seed is, in order: the
 * system property {@code molt.seed}, this annotation's {@link #seed()}, or a random one. When a
 * test fails, its failure carries the seed (as a suppressed {@code replay with -Dmolt.seed=...}
 * note), so the run can be replayed exactly.
 *
 * <pre>{@code
 * @MoltSimulation
 * class CheckoutRolloutTest {
 *   @Test
 *   void rollsBackABrokenBuild(SimulatedPlatform sim) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(MoltExtension.class)
public @interface MoltSimulation {

  /** The value of {@link #seed()} meaning "draw a random seed". */
  long RANDOM = Long.MIN_VALUE;

  /** @return the seed to use; default {@link #RANDOM} */
  long seed() default RANDOM;
}
