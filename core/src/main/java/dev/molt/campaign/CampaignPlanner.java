package dev.molt.campaign;

import dev.molt.rollout.DeploymentWindows;
import dev.molt.campaign.CampaignAction.Abort;
import dev.molt.campaign.CampaignAction.AwaitApproval;
import dev.molt.campaign.CampaignAction.EndWave;
import dev.molt.campaign.CampaignAction.Finish;
import dev.molt.campaign.CampaignAction.Halt;
import dev.molt.campaign.CampaignAction.MeasureGates;
import dev.molt.campaign.CampaignAction.Revert;
import dev.molt.campaign.CampaignAction.StartBake;
import dev.molt.campaign.CampaignAction.StartFleet;
import dev.molt.campaign.CampaignAction.StartWave;
import dev.molt.campaign.CampaignAction.WindowWait;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The campaign's pure decider: from (spec, campaign snapshot, now) to the next actions. No I/O, no
 * clock reads, no waiting. The rules, in the order they are applied:
 *
 * <ol>
 *   <li>A finished campaign does nothing.
 *   <li><b>Failures.</b> While running, more failed fleets than {@link
 *       CampaignSpec#failureLimit()} halt it.
 *   <li><b>Halting.</b> With roll-back: abort every rolling fleet and revert every fleet that
 *       succeeded; once nothing is in flight, finish {@code HALTED}.
 *   <li><b>Paused</b> by a person: nothing more starts (failures still halt).
 *   <li><b>Waves</b>, one at a time, each: approval (if the wave asks for it), rolling, bake,
 *       gates, done. After the last wave, finish {@code SUCCEEDED}.
 *   <li><b>Starting fleets.</b> In the wave's order, the next pending fleet starts while fewer than
 *       {@code maxConcurrentFleets} of the wave are in flight <em>and</em> the instances exposed
 *       (every fleet rebuilding, rolling or aborting counts with its whole capacity) plus its own
 *       capacity stay within {@link CampaignSpec#exposureBudget()}. A fleet that does not fit
 *       waits; the fleets after it wait too, so fleets start in the wave's order. No fleet starts
 *       while {@link CampaignSpec#windows()} does not allow it: the wave then shows an {@code
 *       OUTSIDE_WINDOW} wait and the planner wakes at the next opening; rolling fleets go on.
 * </ol>
 *
 * <p>Worked example: total capacity 48, budget 25 % = 12 instances, wave {@code prod} with {@code
 * maxConcurrentFleets=3} and fleets of 8, 4 and 6. The 8 starts (exposed 8 ≤ 12), the 4 starts
 * (12 ≤ 12), the 6 waits (18 > 12) although the concurrency limit would allow it; when the 4
 * ends, exposure is 8 and the 6 still waits (14 > 12); when the 8 ends it starts (6 ≤ 12).
 */
final class CampaignPlanner {
  private CampaignPlanner() {}

  static CampaignDecision decide(CampaignSpec spec, Campaign state, Instant now) {
    if (state.phase().isTerminal()) {
      return CampaignDecision.waitFor(Optional.empty());
    }
    if (state.phase() == CampaignPhase.RUNNING && state.failures() > spec.failureLimit()) {
      String failed = state.fleets().stream().filter(f -> f.status().isFailure())
          .map(FleetProgress::fleet).collect(Collectors.joining(", "));
      return CampaignDecision.of(new Halt(state.failures() + " fleets failed (" + failed
          + "), more than maxFailures=" + spec.maxFailures() + " allows ("
          + spec.failureLimit() + ")"));
    }
    if (state.phase() == CampaignPhase.HALTING) {
      return halting(state);
    }
    if (state.paused()) {
      return CampaignDecision.waitFor(Optional.empty());
    }
    List<Wave> waves = spec.waves();
    if (state.wave() >= waves.size()) {
      return CampaignDecision.of(new Finish(CampaignPhase.SUCCEEDED));
    }
    int w = state.wave();
    Wave wave = waves.get(w);
    return switch (state.stage()) {
      case PENDING -> CampaignDecision.of(wave.approval() ? new AwaitApproval(w)
          : new StartWave(w));
      case AWAITING_APPROVAL, MEASURING -> CampaignDecision.waitFor(Optional.empty());
      case APPROVED -> CampaignDecision.of(new StartWave(w));
      case ROLLING -> rolling(spec, state, w, now);
      case BAKING -> baking(wave, state, w, now);
      case DONE -> CampaignDecision.of(new EndWave(w));
    };
  }

  private static CampaignDecision halting(Campaign state) {
    List<CampaignAction> actions = new ArrayList<>();
    if (state.rollBack()) {
      for (FleetProgress f : state.fleets()) {
        if (f.status() == FleetStatus.ROLLING) {
          actions.add(new Abort(f.fleet()));
        } else if (f.status() == FleetStatus.SUCCEEDED) {
          actions.add(new Revert(f.fleet()));
        }
      }
    }
    boolean inFlight = state.fleets().stream().anyMatch(f -> f.status().isInFlight());
    if (actions.isEmpty() && !inFlight) {
      actions.add(new Finish(CampaignPhase.HALTED));
    }
    return new CampaignDecision(actions, Optional.empty());
  }

  private static CampaignDecision rolling(CampaignSpec spec, Campaign state, int w, Instant now) {
    Wave wave = spec.waves().get(w);
    List<FleetProgress> members = state.fleets().stream()
        .filter(f -> f.wave().equals(wave.name())).toList();
    int inFlight = (int) members.stream().filter(f -> f.status().isInFlight()).count();
    int exposed = state.exposure();
    List<CampaignAction> actions = new ArrayList<>();
    boolean pending = members.stream().anyMatch(f -> f.status() == FleetStatus.PENDING);
    DeploymentWindows windows = spec.windows();
    boolean open = windows.allows(now);
    Optional<CampaignWait> windowWait = pending && !open ? Optional.of(windowWait(windows, wave,
        now)) : Optional.empty();
    if (!windowWait.equals(state.waiting())) {
      actions.add(new WindowWait(windowWait));
    }
    for (FleetProgress f : members) {
      if (!open) {
        break;
      }
      if (f.status() != FleetStatus.PENDING) {
        continue;
      }
      if (inFlight >= wave.maxConcurrentFleets()
          || exposed + f.capacity() > spec.exposureBudget()) {
        break;
      }
      actions.add(new StartFleet(f.fleet()));
      inFlight++;
      exposed += f.capacity();
    }
    boolean allEnded = members.stream().allMatch(f -> f.status() != FleetStatus.PENDING
        && !f.status().isInFlight());
    if (!actions.isEmpty() || !allEnded) {
      return new CampaignDecision(actions, windowWait.flatMap(CampaignWait::until));
    }
    boolean bakes = !members.isEmpty() && (!wave.bake().isZero() || !wave.gates().isEmpty());
    return CampaignDecision.of(bakes ? new StartBake(w, now.plus(wave.bake())) : new EndWave(w));
  }

  private static CampaignWait windowWait(DeploymentWindows windows, Wave wave, Instant now) {
    Optional<Instant> opens = windows.nextOpening(now);
    String why = windows.freeze(now).map(f -> "frozen (" + f.reason() + ")")
        .orElse("outside the deployment windows");
    return new CampaignWait(CampaignWait.Reason.OUTSIDE_WINDOW, wave.name(), "no fleet starts: "
        + why + opens.map(o -> "; next opening " + o).orElse("; no opening within 400 days"),
        opens);
  }

  private static CampaignDecision baking(Wave wave, Campaign state, int w, Instant now) {
    Instant until = state.waiting().flatMap(CampaignWait::until).orElse(now);
    if (now.isBefore(until)) {
      return CampaignDecision.waitFor(Optional.of(until));
    }
    return CampaignDecision.of(wave.gates().isEmpty() ? new EndWave(w) : new MeasureGates(w));
  }
}
