package dev.molt.strategy;

import dev.molt.InvalidSpecException;
import dev.molt.gate.Analysis;
import dev.molt.Arguments;
import java.time.Duration;
import java.util.Optional;

/** One step of a {@link Canary}. Values; create them with the static factories. */
public sealed interface CanaryStep {

  /** @return a short description for logs and plans, such as {@code set-weight 10%} */
  String describe();

  /** @return send {@code percent} of traffic to the canary (scaling it first to carry that) */
  static CanaryStep setWeight(int percent) {
    return new SetWeight(percent);
  }

  /** @return wait {@code duration} before the next step */
  static CanaryStep pause(Duration duration) {
    return new Pause(Optional.of(Arguments.positive(duration, "duration")));
  }

  /** @return pause the rollout until {@code resume()} or {@code promote()} */
  static CanaryStep pauseUntilResumed() {
    return new Pause(Optional.empty());
  }

  /** @return run {@code analysis} against the canary and the stable baseline */
  static CanaryStep analyze(Analysis analysis) {
    return new Analyze(analysis);
  }

  /**
   * Runs {@code analysis} against a fresh baseline instead of the long-running stable fleet (the
   * three-fleet model): instances of the stable revision, as many as the canary has, launched
   * beside the canary at the step that sized it (the last set-weight or set-scale before this
   * step) so that both are equally new, given the canary's weight out of the stable share, and
   * drained, then terminated, when the analysis ends, pass or fail. Their revision is the stable
   * launch spec with option {@link dev.molt.OwnerLabels#ROLE} = {@code baseline} (which providers
   * ignore), so routers and metric queries tell it apart; its instances carry that label.
   *
   * <p>Requires the stable revision's launch spec to be known to the engine, and a canary weight
   * of at most 50 % at the step (canary and baseline together take twice the weight).
   *
   * @param analysis what to measure and the limits
   * @return the step
   */
  static CanaryStep analyzeWithFreshBaseline(Analysis analysis) {
    return new Analyze(analysis, true);
  }

  /** @return run the canary at {@code amount} instances (of desired capacity) from now on */
  static CanaryStep setScale(Amount amount) {
    return new SetScale(Optional.of(Arguments.required(amount, "amount")));
  }

  /** @return size the canary to match its traffic weight again (the default) */
  static CanaryStep matchTrafficScale() {
    return new SetScale(Optional.empty());
  }

  /**
   * Route {@code percent} of traffic to the canary.
   *
   * @param percent 0..100
   */
  record SetWeight(int percent) implements CanaryStep {
    /** Validates the weight. */
    public SetWeight {
      if (percent < 0 || percent > 100) {
        throw new InvalidSpecException("setWeight", "must be in 0..100, was " + percent);
      }
    }

    @Override
    public String describe() {
      return "set-weight " + percent + "%";
    }
  }

  /**
   * Wait: for a duration, or (empty) until resumed or promoted.
   *
   * @param duration how long, or empty for "until resumed"
   */
  record Pause(Optional<Duration> duration) implements CanaryStep {
    /** Validates the duration. */
    public Pause {
      Arguments.optional(duration, "duration").ifPresent(d -> Arguments.positive(d, "duration"));
    }

    @Override
    public String describe() {
      return duration.map(d -> "pause " + dev.molt.Durations.text(d)).orElse("pause until resumed");
    }
  }

  /**
   * Judge the canary; a failure aborts (or pauses, per the rollout's failure policy).
   *
   * @param analysis what to measure and the limits
   * @param freshBaseline whether the canary is compared with a fresh baseline launched for it
   *     ({@link CanaryStep#analyzeWithFreshBaseline}) rather than with the stable fleet
   */
  record Analyze(Analysis analysis, boolean freshBaseline) implements CanaryStep {
    /** Validates the analysis. */
    public Analyze {
      Arguments.required(analysis, "analysis");
    }

    /** An analysis against the stable fleet. */
    public Analyze(Analysis analysis) {
      this(analysis, false);
    }

    /** @return a copy measuring {@code other}, against the same baseline */
    public Analyze withAnalysis(Analysis other) {
      return new Analyze(other, freshBaseline);
    }

    @Override
    public String describe() {
      return "analyze " + analysis.gate().name() + " x" + analysis.count()
          + (freshBaseline ? " vs fresh baseline" : "");
    }
  }

  /**
   * Set how many canary instances run, independent of weight (empty: match the weight).
   *
   * @param amount a count or percentage of desired capacity, or empty
   */
  record SetScale(Optional<Amount> amount) implements CanaryStep {
    /** Validates the amount. */
    public SetScale {
      Arguments.optional(amount, "amount");
    }

    @Override
    public String describe() {
      return amount.map(a -> "set-scale " + a).orElse("set-scale match-traffic");
    }
  }
}
