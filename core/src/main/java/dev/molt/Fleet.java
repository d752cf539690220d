package dev.molt;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A snapshot of a fleet as observed at one moment: its instances and its traffic split.
 * Operations never change a Fleet; they observe a new one.
 *
 * @param name the fleet name
 * @param desiredCapacity how many serving instances the fleet should have
 * @param instances the live instances, sorted by launch time then id
 * @param traffic percent of traffic per revision (sums to 100), empty when no router splits it
 */
public record Fleet(
    String name, int desiredCapacity, List<Instance> instances, Map<Revision, Integer> traffic) {

  /** Validates and copies the fields. */
  public Fleet {
    Arguments.notBlank(name, "name");
    Arguments.nonNegative(desiredCapacity, "desiredCapacity");
    instances = Arguments.copyOf(instances, "instances").stream()
        .sorted(Comparator.comparing(Instance::launchedAt).thenComparing(Instance::id))
        .toList();
    Arguments.required(traffic, "traffic");
    traffic = Map.copyOf(traffic);
  }

  /** @return an empty fleet named {@code name} */
  public static Fleet empty(String name, int desiredCapacity) {
    return new Fleet(name, desiredCapacity, List.of(), Map.of());
  }

  /** @return the live instances of {@code revision} */
  public List<Instance> instancesOf(Revision revision) {
    return instances.stream().filter(i -> i.revision().equals(revision)).toList();
  }

  /** @return the number of healthy instances of {@code revision} */
  public int healthyCount(Revision revision) {
    return (int) instances.stream()
        .filter(i -> i.revision().equals(revision) && i.isHealthy()).count();
  }

  /** @return the number of healthy instances of any revision */
  public int healthyCount() {
    return (int) instances.stream().filter(Instance::isHealthy).count();
  }

  /** @return the revisions with at least one live instance, in id order */
  public Set<Revision> revisions() {
    return instances.stream().map(Instance::revision)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** @return true if every live instance runs {@code revision}, healthy, and there are enough */
  public boolean isFullyOn(Revision revision) {
    return instances.size() == desiredCapacity && healthyCount(revision) == desiredCapacity;
  }
}
