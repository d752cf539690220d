package dev.molt.aws;

import dev.molt.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which ELBv2 target groups an instance belongs in: its revision's own group (for weighted
 * traffic), and the fleet's shared group that every revision's instances join (for even traffic).
 *
 * @param byRevision each revision's own target group ARN
 * @param shared the group every revision's instances join, if any
 */
record GroupMap(Map<Revision, String> byRevision, Optional<String> shared) {

  GroupMap {
    byRevision = Map.copyOf(byRevision);
  }

  boolean isEmpty() {
    return byRevision.isEmpty() && shared.isEmpty();
  }

  /** @return every group an instance of {@code revision} is registered in */
  List<String> of(Revision revision) {
    List<String> out = new ArrayList<>();
    Optional.ofNullable(byRevision.get(revision)).ifPresent(out::add);
    shared.filter(s -> !out.contains(s)).ifPresent(out::add);
    return out;
  }

  /** @return the group whose target health judges an instance of {@code revision} */
  Optional<String> judging(Revision revision) {
    return Optional.ofNullable(byRevision.get(revision)).or(() -> shared);
  }

  /** @return the revision whose own group {@code arn} is */
  Optional<Revision> revisionOf(String arn) {
    return byRevision.entrySet().stream().filter(e -> e.getValue().equals(arn))
        .map(Map.Entry::getKey).findFirst();
  }
}
