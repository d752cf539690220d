package dev.molt.testkit;

import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link MoltSimulation}: resolves {@link SimulatedPlatform}
 * parameters, one platform per test kept in the test's {@link ExtensionContext.Store}, publishes
 * its seed as the report entry {@code molt.seed}, and attaches the seed to a failing test's
 * exception. Stateless itself; safe for parallel test execution.
 */
public final class MoltExtension implements ParameterResolver, TestExecutionExceptionHandler {
  /** The system property that overrides every seed, to replay a failure. */
  public static final String SEED_PROPERTY = "molt.seed";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MoltExtension.class);

  /** Created by JUnit. */
  public MoltExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SimulatedPlatform.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(SimulatedPlatform.class, type -> {
      long seed = seed(context);
      context.publishReportEntry(SEED_PROPERTY, Long.toString(seed));
      return SimulatedPlatform.create(seed);
    }, SimulatedPlatform.class);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    SimulatedPlatform sim = context.getStore(NAMESPACE).get(SimulatedPlatform.class,
        SimulatedPlatform.class);
    if (sim != null) {
      failure.addSuppressed(new ReplayHint(sim.seed()));
    }
    throw failure;
  }

  private static long seed(ExtensionContext context) {
    String property = System.getProperty(SEED_PROPERTY);
    if (property != null && !property.isBlank()) {
      try {
        return Long.parseLong(property.trim());
      } catch (NumberFormatException e) {
        throw new dev.molt.InvalidSpecException(SEED_PROPERTY, "must be a long, was '"
            + property + "'");
      }
    }
    Optional<MoltSimulation> annotation = context.getTestMethod()
        .flatMap(m -> AnnotationSupport.findAnnotation(m, MoltSimulation.class))
        .or(() -> context.getTestClass()
            .flatMap(c -> AnnotationSupport.findAnnotation(c, MoltSimulation.class)));
    return annotation.map(MoltSimulation::seed).filter(s -> s != MoltSimulation.RANDOM)
        .orElseGet(() -> new SecureRandom().nextLong());
  }

  /** Attached to a failing test's exception: says how to replay the run. */
  static final class ReplayHint extends Exception {
    private static final long serialVersionUID = 1L;

    ReplayHint(long seed) {
      super("Molt simulation seed " + seed + ": replay with -D" + SEED_PROPERTY + "=" + seed
          + " or @MoltSimulation(seed = " + seed + "L)", null, false, false);
    }
  }
}
