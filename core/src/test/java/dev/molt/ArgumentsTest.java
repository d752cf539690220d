package dev.molt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

  @Test
  void aCopiedMapIsSortedImmutableAndEqualToItsSource() {
    Map<String, String> source = new HashMap<>(Map.of("b", "2", "a", "1", "c", "3"));
    Map<String, String> copy = Arguments.copyOf(source, "labels");
    source.put("d", "4");
    assertThat(copy).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"),
        Map.entry("c", "3"));
    assertThat(copy).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"))
        .hasSameHashCodeAs(Map.of("a", "1", "b", "2", "c", "3"));
    assertThat(copy.get("b")).isEqualTo("2");
    assertThat(copy.get(null)).isNull();
    assertThat(copy.containsKey("d")).isFalse();
    assertThat(copy).hasToString("{a=1, b=2, c=3}");
    assertThatThrownBy(() -> copy.put("e", "5")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** Records rebuilt per observation (Instance.withState) must not re-copy their labels. */
  @Test
  void copyingACopyReturnsItUnchanged() {
    Map<String, String> copy = Arguments.copyOf(Map.of("a", "1"), "labels");
    assertThat(Arguments.copyOf(copy, "labels")).isSameAs(copy);
  }

  @Test
  void nullKeysAndValuesAreRejectedByName() {
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("k", null);
    assertThatThrownBy(() -> Arguments.copyOf(nullValue, "labels"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("labels[k]");
    assertThatThrownBy(() -> Arguments.copyOf(Map.of(" ", "v"), "labels"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("labels");
  }
}
