package dev.molt.spi;

import dev.molt.Instance;
import dev.molt.Arguments;
import dev.molt.time.Cancellable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider that forwards every call, the optional ones included, to another provider. Extend it
 * to decorate a platform (record its calls, check them, hide one capability) by overriding only
 * what changes: a decorator then never drops a capability of the platform by forgetting to
 * forward it (taint, watch, the router, expected latencies).
 *
 * <pre>{@code
 * Provider recording = new ForwardingProvider(platform) {
 *   @Override public List<Instance> launch(LaunchRequest request) {
 *     launches.add(request);
 *     return super.launch(request);
 *   }
 * };
 * }</pre>
 *
 * Thread-safe when the provider it forwards to is and the overrides are.
 */
public abstract class ForwardingProvider implements Provider {
  private final Provider delegate;

  /**
   * @param delegate the provider every call goes to
   * @throws dev.molt.InvalidSpecException if {@code delegate} is null
   */
  protected ForwardingProvider(Provider delegate) {
    this.delegate = Arguments.required(delegate, "delegate");
  }

  /** @return the provider every call goes to */
  protected Provider delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public List<Instance> launch(LaunchRequest request) {
    return delegate.launch(request);
  }

  @Override
  public List<Instance> observe(String fleet) {
    return delegate.observe(fleet);
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    return delegate.health(fleet, instances);
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    delegate.drain(fleet, instances);
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    delegate.terminate(fleet, instances);
  }

  @Override
  public void taint(String fleet, Instance instance, String reason) {
    delegate.taint(fleet, instance, reason);
  }

  @Override
  public Cancellable watch(String fleet, Runnable onChange) {
    return delegate.watch(fleet, onChange);
  }

  @Override
  public Optional<TrafficRouter> router() {
    return delegate.router();
  }

  @Override
  public ExpectedLatencies expectedLatencies() {
    return delegate.expectedLatencies();
  }
}
