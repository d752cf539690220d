package dev.molt.testkit.faults;

import dev.molt.InvalidSpecException;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which platform actions a {@link FaultInjector} refuses for good (a non-retryable {@link
 * dev.molt.ProviderException}), and when: each call of a refused kind with {@code perCall}
 * probability, and every call of a refused kind during the window {@code windowStart ..
 * windowStart + windowLength} after installation (long enough to use up the engine's refusal
 * budget). Refusals stop with the plan's other faults, at {@code quietAfter}.
 *
 * @param kinds the refused operations, among {@link #KINDS}; empty for none
 * @param perCall chance each call of a refused kind is refused
 * @param windowStart when the window of certain refusals opens, after installation
 * @param windowLength how long it stays open; zero for no window
 */
public record Refusals(Set<String> kinds, double perCall, Duration windowStart,
    Duration windowLength) {

  /** The action kinds that can be refused: the SPI's and the router's operation names. */
  public static final Set<String> KINDS = Set.of("launch", "drain", "set-weights", "terminate");

  /** Validates and copies the fields. */
  public Refusals {
    if (kinds == null || windowStart == null || windowLength == null) {
      throw new InvalidSpecException("refusals", "no field may be null");
    }
    kinds = Set.copyOf(new TreeSet<>(kinds));
    if (!KINDS.containsAll(kinds)) {
      throw new InvalidSpecException("kinds", "must be among " + KINDS + ", was " + kinds);
    }
    if (!(perCall >= 0 && perCall <= 1)) {
      throw new InvalidSpecException("perCall", "must be a probability in 0..1, was " + perCall);
    }
    if (windowStart.isNegative() || windowLength.isNegative()) {
      throw new InvalidSpecException("window", "must not be negative, was " + windowStart + " +"
          + windowLength);
    }
  }

  /** @return no refusals */
  public static Refusals none() {
    return new Refusals(Set.of(), 0, Duration.ZERO, Duration.ZERO);
  }

  /**
   * Draws refusals: half the time none; else one to four kinds, refused per call with up to 30 %
   * or (half of those) every call during a window of 20 s to 4 min opening in the first 3 min.
   *
   * @param random the schedule's seeded source
   * @return the refusals
   */
  public static Refusals draw(Random random) {
    Set<String> kinds = new TreeSet<>();
    for (String kind : new TreeSet<>(KINDS)) {
      if (random.nextInt(3) == 0) {
        kinds.add(kind);
      }
    }
    if (random.nextBoolean() || kinds.isEmpty()) {
      return none();
    }
    boolean window = random.nextBoolean();
    return new Refusals(kinds, random.nextDouble() * 0.3,
        Duration.ofSeconds(random.nextInt(180)),
        window ? Duration.ofSeconds(20 + random.nextInt(220)) : Duration.ZERO);
  }

  /**
   * Whether this call is refused.
   *
   * @param operation the call's operation
   * @param sinceInstall how long after installation it is made
   * @param random the injector's seeded source (drawn from only for a refused kind)
   * @return true to refuse it
   */
  public boolean refuses(String operation, Duration sinceInstall, Random random) {
    if (!kinds.contains(operation)) {
      return false;
    }
    boolean inWindow = !windowLength.isZero() && sinceInstall.compareTo(windowStart) >= 0
        && sinceInstall.compareTo(windowStart.plus(windowLength)) < 0;
    return inWindow || random.nextDouble() < perCall;
  }

  /** @return the fault classes drawn: {@code refuse-<kind>} for each kind */
  public Set<String> classes() {
    Set<String> out = new TreeSet<>();
    kinds.forEach(k -> out.add("refuse-" + k));
    return out;
  }

  @Override
  public String toString() {
    return kinds.isEmpty() ? "none" : kinds + " p=" + String.format("%.2f", perCall)
        + (windowLength.isZero() ? "" : " window=" + windowStart + "+" + windowLength);
  }
}
