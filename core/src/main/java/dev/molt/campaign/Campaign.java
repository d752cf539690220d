package dev.molt.campaign;

import dev.molt.Arguments;
import dev.molt.Durations;
import dev.molt.store.ControlAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A snapshot of one campaign: where each affected fleet is, which wave runs, what the campaign
 * waits for and what happened so far. Immutable; the campaign publishes a new snapshot after every
 * event. It is also what the campaign's planner decides from.
 *
 * @param id the campaign id, such as {@code ca-1a2b3c4d}
 * @param name the spec's name
 * @param phase where the campaign is
 * @param wave the index of the wave in progress; the number of waves once all are done
 * @param stage where the wave in progress is
 * @param fleets every affected fleet, in wave order
 * @param waiting what the campaign waits for right now, typed
 * @param reason why it halted, if it did
 * @param paused whether a person paused it: no fleet or wave starts until {@link
 *     CampaignHandle#resume()}; rollouts already running go on
 * @param rollBack whether halting returns the changed fleets to their previous revision
 * @param peakExposure the most instances counted against the budget at one moment so far
 * @param totalCapacity the capacity of all the spec's fleets: what exposure is a share of
 * @param history what happened, oldest first
 * @param answers the answers to the control requests sent through the store ({@link
 *     dev.molt.store.ControlRequest} with the campaign's id), oldest first: each is saved with the
 *     change it made, so a request is applied at most once, whichever process drives the campaign
 * @param startedAt when it started
 * @param updatedAt when the snapshot was taken
 */
public record Campaign(String id, String name, CampaignPhase phase, int wave, Stage stage,
    List<FleetProgress> fleets, Optional<CampaignWait> waiting, Optional<String> reason,
    boolean paused, boolean rollBack, int peakExposure, int totalCapacity,
    List<CampaignEvent> history, List<ControlAnswer> answers, Instant startedAt,
    Instant updatedAt) {

  /** Where the wave in progress is. */
  public enum Stage {
    /** Not started: it starts now, or waits for approval. */
    PENDING,
    /** Waits for {@link CampaignHandle#approve()}. */
    AWAITING_APPROVAL,
    /** Approved; starts now. */
    APPROVED,
    /** Its fleets roll. */
    ROLLING,
    /** All its fleets ended; it bakes. */
    BAKING,
    /** Its bake gates are measured. */
    MEASURING,
    /** Its gates passed (or it had none); the next wave comes. */
    DONE
  }

  /** Validates and copies the fields. */
  public Campaign {
    Arguments.notBlank(id, "id");
    Arguments.notBlank(name, "name");
    Arguments.required(phase, "phase");
    Arguments.nonNegative(wave, "wave");
    Arguments.required(stage, "stage");
    fleets = Arguments.copyOf(fleets, "fleets");
    Arguments.optional(waiting, "waiting");
    Arguments.optional(reason, "reason");
    Arguments.nonNegative(peakExposure, "peakExposure");
    Arguments.positive(totalCapacity, "totalCapacity");
    history = Arguments.copyOf(history, "history");
    answers = Arguments.copyOf(answers, "answers");
    Arguments.required(startedAt, "startedAt");
    Arguments.required(updatedAt, "updatedAt");
  }

  /** @return the fleet called {@code name}, if the campaign patches it */
  public Optional<FleetProgress> fleet(String name) {
    return fleets.stream().filter(f -> f.fleet().equals(name)).findFirst();
  }

  /**
   * @param requestId a control request's id
   * @return the answer to it, once the driving process applied or refused it
   */
  public Optional<ControlAnswer> answer(String requestId) {
    return answers.stream().filter(a -> a.requestId().equals(requestId)).findFirst();
  }

  /** @return how many fleets have {@code status} */
  public int count(FleetStatus status) {
    return (int) fleets.stream().filter(f -> f.status() == status).count();
  }

  /** @return the fleets that failed so far (rolled back or failed) */
  public int failures() {
    return (int) fleets.stream().filter(f -> f.status().isFailure()).count();
  }

  /** @return the instances counted against the exposure budget now */
  public int exposure() {
    return fleets.stream().filter(f -> f.status().isExposed()).mapToInt(FleetProgress::capacity)
        .sum();
  }

  /** @return {@link #peakExposure()} as a percentage of {@link #totalCapacity()} */
  public double peakExposurePercent() {
    return peakExposure * 100.0 / totalCapacity;
  }

  /** @return true once the campaign can change no more */
  public boolean isDone() {
    return phase.isTerminal();
  }

  /** @return how long the campaign has run, by its clock */
  public Duration elapsed() {
    return Duration.between(startedAt, updatedAt);
  }

  /**
   * One line for people, such as {@code ca-1a2b3c4d base-v2 RUNNING wave 2 ROLLING fleets=12
   * succeeded=5 rolled_back=1 exposure=8/48 after 12m30s}.
   *
   * @return the summary
   */
  public String summary() {
    StringBuilder out = new StringBuilder(id).append(' ').append(name).append(' ').append(phase)
        .append(" wave ").append(wave).append(' ').append(stage).append(" fleets=")
        .append(fleets.size()).append(" succeeded=").append(count(FleetStatus.SUCCEEDED))
        .append(" rolled_back=").append(count(FleetStatus.ROLLED_BACK)).append(" failed=")
        .append(count(FleetStatus.FAILED)).append(" exposure=").append(exposure()).append('/')
        .append(totalCapacity).append(String.format(Locale.ROOT, " peak=%.1f%%",
            peakExposurePercent()));
    if (paused) {
      out.append(" PAUSED");
    }
    waiting.ifPresent(w -> out.append(" (waiting ").append(w).append(')'));
    reason.ifPresent(r -> out.append(" (").append(r).append(')'));
    return out.append(" after ").append(Durations.text(elapsed())).toString();
  }

  /** @return {@link #summary()} */
  @Override
  public String toString() {
    return summary();
  }

  Campaign withFleet(FleetProgress next) {
    List<FleetProgress> copy = new ArrayList<>(fleets);
    copy.replaceAll(f -> f.fleet().equals(next.fleet()) ? next : f);
    Campaign c = new Campaign(id, name, phase, wave, stage, copy, waiting, reason, paused,
        rollBack, peakExposure, totalCapacity, history, answers, startedAt, updatedAt);
    return c.withPeak(Math.max(peakExposure, c.exposure()));
  }

  private Campaign withPeak(int peak) {
    return new Campaign(id, name, phase, wave, stage, fleets, waiting, reason, paused, rollBack,
        peak, totalCapacity, history, answers, startedAt, updatedAt);
  }

  Campaign withStage(int nextWave, Stage nextStage, Optional<CampaignWait> nextWaiting) {
    return new Campaign(id, name, phase, nextWave, nextStage, fleets, nextWaiting, reason,
        paused, rollBack, peakExposure, totalCapacity, history, answers, startedAt, updatedAt);
  }

  Campaign halted(String why, boolean andRollBack) {
    return new Campaign(id, name, CampaignPhase.HALTING, wave, stage, fleets, Optional.empty(),
        Optional.of(why), false, andRollBack, peakExposure, totalCapacity, history, answers,
        startedAt, updatedAt);
  }

  Campaign ended(CampaignPhase end) {
    return new Campaign(id, name, end, wave, stage, fleets, Optional.empty(), reason, false,
        rollBack, peakExposure, totalCapacity, history, answers, startedAt, updatedAt);
  }

  Campaign withPaused(boolean on) {
    return new Campaign(id, name, phase, wave, stage, fleets, waiting, reason, on, rollBack,
        peakExposure, totalCapacity, history, answers, startedAt, updatedAt);
  }

  Campaign withAnswer(ControlAnswer answer) {
    List<ControlAnswer> copy = new ArrayList<>(answers);
    copy.add(answer);
    return new Campaign(id, name, phase, wave, stage, fleets, waiting, reason, paused, rollBack,
        peakExposure, totalCapacity, history, copy, startedAt, answer.answeredAt());
  }

  Campaign withEvent(CampaignEvent event) {
    List<CampaignEvent> copy = new ArrayList<>(history);
    copy.add(event);
    return new Campaign(id, name, phase, wave, stage, fleets, waiting, reason, paused, rollBack,
        peakExposure, totalCapacity, copy, answers, startedAt, event.at());
  }
}
