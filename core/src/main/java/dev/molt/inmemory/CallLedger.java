package dev.molt.inmemory;

import dev.molt.ProviderException;
import dev.molt.Revision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory provider's bookkeeping of calls and faults: every call received, the failures
 * scripted for the next calls of an operation, lost launch responses, the installed {@link
 * FaultHook}, and the refusals to touch foreign instances. Thread-safe.
 */
final class CallLedger {
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> faults = new HashMap<>();
  private final Map<String, Boolean> faultRetryable = new HashMap<>();
  private final List<String> refusals = new ArrayList<>();
  private FaultHook hook = FaultHook.NONE;
  private int lostLaunchResponses;

  /** Records a call, then fails it if a fault is due, then consults the hook. */
  void record(String operation, String fleet, int count, Instant now) {
    calls.add(new Call(operation, fleet, count, now));
    FaultHook current;
    synchronized (this) {
      Integer left = faults.get(operation);
      if (left != null && left > 0) {
        faults.put(operation, left - 1);
        throw new ProviderException(operation, "fleet " + fleet, faultRetryable.get(operation),
            "injected fault");
      }
      current = hook;
    }
    current.beforeCall(operation, fleet);
  }

  synchronized void failNext(String operation, int times, boolean retryable) {
    faults.put(operation, times);
    faultRetryable.put(operation, retryable);
  }

  synchronized void loseLaunchResponses(int times) {
    lostLaunchResponses = times;
  }

  /** @return true (and counts it) if this launch's response is to be lost */
  synchronized boolean loseThisLaunchResponse() {
    if (lostLaunchResponses > 0) {
      lostLaunchResponses--;
      return true;
    }
    return false;
  }

  synchronized void hook(FaultHook newHook) {
    hook = newHook;
  }

  synchronized InstanceBehavior behaviorOf(String fleet, Revision revision,
      InstanceBehavior scripted) {
    return hook.behaviorOf(fleet, revision, scripted);
  }

  synchronized void refused(String instanceId) {
    refusals.add(instanceId);
  }

  synchronized List<String> refusals() {
    return List.copyOf(refusals);
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  long callCount(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).count();
  }
}
