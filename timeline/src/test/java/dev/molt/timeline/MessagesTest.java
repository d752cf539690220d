package dev.molt.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {

  @Test
  void readsPlainAndQuotedValuesAndSkipsBareWords() {
    assertThat(Messages.keyValues(
        "phase=PAUSED wait=UNTIMED_PAUSE reason=\"canary step 2: pause\""))
        .containsExactly(Map.entry("phase", "PAUSED"), Map.entry("wait", "UNTIMED_PAUSE"),
            Map.entry("reason", "canary step 2: pause"));
  }

  @Test
  void aQuotedValueMayHoldAQuotedValue() {
    String aborting = "phase=ABORTING to=r-3066b1db65 reason=\"analysis at step 2 (error-rate):"
        + " verdict=FAIL measurements=3 last=\"error_rate=3.1% above max=1.0%\"\" next=x";

    assertThat(Messages.value(aborting, "reason")).contains("analysis at step 2 (error-rate):"
        + " verdict=FAIL measurements=3 last=\"error_rate=3.1% above max=1.0%\"");
    assertThat(Messages.value(aborting, "next")).contains("x");
  }

  @Test
  void aQuotedWordInsideAQuotedValueIsText() {
    assertThat(Messages.value("reason=\"p99 (\"fast\"): FAIL\" step=2", "reason"))
        .contains("p99 (\"fast\"): FAIL");
    // a limit of unescaped quotes: a quoted word followed by a space ends the value there
    assertThat(Messages.value("reason=\"gate \"fast\" failed\"", "reason")).contains("gate \"fast");
  }

  @Test
  void anUnclosedQuoteRunsToTheEnd() {
    assertThat(Messages.value("a=1 reason=\"cut short", "reason")).contains("cut short");
  }

  @Test
  void readsTrafficSplitsInOrder() {
    assertThat(Messages.traffic("traffic: r-aaaaaaaaaa=90% r-bbbbbbbbbb=10%"))
        .containsExactly(Map.entry("r-aaaaaaaaaa", 90), Map.entry("r-bbbbbbbbbb", 10));
    assertThat(Messages.traffic("traffic: even across serving instances")).isEmpty();
    assertThat(Messages.traffic("traffic: r-aaaaaaaaaa=100% (effective, replica ratio)"))
        .containsExactly(Map.entry("r-aaaaaaaaaa", 100));
  }

  @Test
  void readsInstanceCountsPerRevisionAndState() {
    assertThat(Messages.instances("instances: r-aaaaaaaaaa=HEALTHY:9,DRAINING:1"
        + " r-bbbbbbbbbb=LAUNCHING:2")).containsExactly(
            Map.entry("r-aaaaaaaaaa", Map.of("HEALTHY", 9, "DRAINING", 1)),
            Map.entry("r-bbbbbbbbbb", Map.of("LAUNCHING", 2)));
    assertThat(Messages.instances("instances: none")).isEmpty();
  }

  @Test
  void aNonNumberIsNoWholeNumber() {
    assertThat(Messages.intValue("step=2 next=x", "step")).hasValue(2);
    assertThat(Messages.intValue("step=2 next=x", "next")).isEmpty();
    assertThat(Messages.intValue("step=2", "missing")).isEmpty();
  }
}
