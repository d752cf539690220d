package dev.molt.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.Instance;
import dev.molt.LaunchSpec;
import dev.molt.ProviderException;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Provider} must do, whatever the platform. A provider's test extends this and
 * supplies the platform; the provider conformance kit of the test kit can absorb these cases.
 */
abstract class ProviderContract {

  /** @return the provider under test */
  abstract Provider provider();

  /** @return a fleet name no other test uses */
  abstract String fleet();

  /** @return a spec whose instances become healthy */
  abstract LaunchSpec healthySpec();

  /** @return how long a healthy instance may take to be judged healthy */
  abstract Duration healthDeadline();

  /** Creates an instance-like object in the platform that Molt does not own; @return its id */
  abstract String createForeign();

  /** @return whether the foreign object {@code id} still exists, unchanged */
  abstract boolean foreignIntact(String id);

  private LaunchRequest request(int count, String key) {
    return new LaunchRequest(fleet(), healthySpec(), count, "ro-contract", key);
  }

  private List<String> ids(List<Instance> instances) {
    return instances.stream().map(Instance::id).sorted().toList();
  }

  @Test
  void launchIsIdempotentPerRequestKey() {
    List<Instance> first = provider().launch(request(2, "ro-contract-1"));
    List<Instance> again = provider().launch(request(2, "ro-contract-1"));

    assertThat(first).hasSize(2);
    assertThat(ids(again)).isEqualTo(ids(first));
    assertThat(ids(provider().observe(fleet()))).isEqualTo(ids(first));
  }

  @Test
  void observeReturnsExactlyWhatWasLaunchedAndNotTerminated() {
    List<Instance> a = provider().launch(request(2, "ro-contract-1"));
    List<Instance> b = provider().launch(request(1, "ro-contract-2"));

    provider().terminate(fleet(), List.of(a.get(0)));

    assertThat(ids(provider().observe(fleet()))).isEqualTo(ids(List.of(a.get(1), b.get(0))));
    assertThat(provider().observe(fleet())).allSatisfy(i -> {
      assertThat(i.fleet()).isEqualTo(fleet());
      assertThat(i.revision()).isEqualTo(healthySpec().revision());
    });
    provider().terminate(fleet(), List.of(a.get(0))); // already gone: not an error
    provider().terminate(fleet(), provider().observe(fleet()));
    assertThat(provider().observe(fleet())).isEmpty();
  }

  @Test
  void healthReachesAVerdictWithinItsDeadline() {
    provider().launch(request(1, "ro-contract-1"));

    await().atMost(healthDeadline()).until(() -> {
      List<Instance> running = provider().observe(fleet());
      Map<String, Health> verdicts = provider().health(fleet(), running);
      return running.size() == 1 && verdicts.get(running.get(0).id()) == Health.HEALTHY;
    });
  }

  @Test
  void terminateAndDrainNeverTouchWhatMoltDoesNotOwn() {
    String foreign = createForeign();
    Instance owned = provider().launch(request(1, "ro-contract-1")).get(0);
    Instance forged = new Instance(foreign, fleet(), owned.revision(), owned.address(),
        owned.state(), owned.launchedAt(), owned.stateSince(), owned.healthySince(),
        owned.labels());

    assertThat(ids(provider().observe(fleet()))).containsExactly(owned.id());
    assertThatThrownBy(() -> provider().terminate(fleet(), List.of(owned, forged)))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(foreign);
        });
    assertThatThrownBy(() -> provider().drain(fleet(), List.of(forged)))
        .isInstanceOf(ProviderException.class);
    assertThat(foreignIntact(foreign)).isTrue();
    assertThat(ids(provider().observe(fleet()))).containsExactly(owned.id());
  }
}
