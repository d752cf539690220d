package dev.molt.reconcile;

import dev.molt.Instance;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import dev.molt.time.Cancellable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory provider with two knobs the tests need: health verdicts forced per instance (an
 * instance that fails for a while and recovers), and no taint support (the SPI default).
 */
final class ScriptedProvider implements Provider {
  private final InMemoryProvider delegate;
  private final boolean canTaint;
  private final Map<String, Health> forced = new ConcurrentHashMap<>();

  ScriptedProvider(InMemoryProvider delegate, boolean canTaint) {
    this.delegate = delegate;
    this.canTaint = canTaint;
  }

  /** Forces the verdict for {@code id} until {@link #release}. */
  void force(String id, Health verdict) {
    forced.put(id, verdict);
  }

  /** Lets the platform judge {@code id} again. */
  void release(String id) {
    forced.remove(id);
  }

  @Override public String name() {
    return canTaint ? "scripted" : "no-taint";
  }

  @Override public List<Instance> launch(LaunchRequest request) {
    return delegate.launch(request);
  }

  @Override public List<Instance> observe(String fleet) {
    return delegate.observe(fleet);
  }

  @Override public Map<String, Health> health(String fleet, List<Instance> instances) {
    Map<String, Health> verdicts = new HashMap<>(delegate.health(fleet, instances));
    instances.forEach(i -> {
      if (forced.containsKey(i.id())) {
        verdicts.put(i.id(), forced.get(i.id()));
      }
    });
    return verdicts;
  }

  @Override public void drain(String fleet, List<Instance> instances) {
    delegate.drain(fleet, instances);
  }

  @Override public void terminate(String fleet, List<Instance> instances) {
    delegate.terminate(fleet, instances);
  }

  @Override public void taint(String fleet, Instance instance, String reason) {
    if (canTaint) {
      delegate.taint(fleet, instance, reason);
    } else {
      Provider.super.taint(fleet, instance, reason);
    }
  }

  @Override public Cancellable watch(String fleet, Runnable onChange) {
    return delegate.watch(fleet, onChange);
  }
}
