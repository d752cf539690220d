package dev.molt.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Fixtures;
import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.inmemory.InMemoryProvider;
import dev.molt.time.VirtualTime;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ForwardingProviderTest {

  @Test
  void everyProviderMethodTheOptionalOnesIncludedIsForwarded() {
    List<String> missing = Arrays.stream(Provider.class.getMethods())
        .filter(m -> !java.lang.reflect.Modifier.isStatic(m.getModifiers()))
        .filter(m -> !declares(m))
        .map(Method::getName).toList();

    assertThat(missing).as("Provider methods ForwardingProvider does not forward").isEmpty();
  }

  @Test
  void aDecoratorOverridingOneCallKeepsTheRouterTaintAndNotifications() {
    VirtualTime time = VirtualTime.create();
    InMemoryProvider platform = InMemoryProvider.builder(time).build();
    AtomicInteger launches = new AtomicInteger();
    Provider counting = new ForwardingProvider(platform) {
      @Override
      public List<Instance> launch(LaunchRequest request) {
        launches.incrementAndGet();
        return super.launch(request);
      }
    };
    AtomicInteger changes = new AtomicInteger();
    counting.watch(Fixtures.FLEET, changes::incrementAndGet);

    List<Instance> launched = counting.launch(new LaunchRequest(Fixtures.FLEET, Fixtures.V1, 1,
        "ro-1", "k-1"));
    time.advance(Duration.ofMinutes(5));
    counting.taint(Fixtures.FLEET, launched.get(0), "break-glass login");

    assertThat(launches).hasValue(1);
    assertThat(counting.router()).containsSame(platform.router().orElseThrow());
    assertThat(counting.expectedLatencies()).isEqualTo(platform.expectedLatencies());
    assertThat(changes.get()).as("the platform's notifications reach the watcher").isPositive();
    assertThat(platform.instances(Fixtures.FLEET).get(0).labels())
        .containsEntry(OwnerLabels.TAINTED, "break-glass login");
  }

  private static boolean declares(Method m) {
    try {
      ForwardingProvider.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
