package dev.molt.cli;

import dev.molt.postgres.PostgresRolloutStore;
import dev.molt.store.FileRolloutStore;
import dev.molt.store.RolloutRecord;
import dev.molt.store.RolloutStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An opened rollout store and what the CLI reads from it beyond the {@link RolloutStore} SPI: every
 * rollout it keeps (the file store's directory lists them; PostgreSQL lists the unfinished).
 */
record Stores(RolloutStore store, String location, Optional<Path> directory) {

  static Stores open(String location) {
    if (location.startsWith("jdbc:")) {
      if (!location.startsWith("jdbc:postgresql:")) {
        throw new CliException(ExitCode.BAD_INPUT, "--store " + location + " is not a"
            + " PostgreSQL JDBC URL: give jdbc:postgresql://host/db or a directory");
      }
      PGSimpleDataSource db = new PGSimpleDataSource();
      db.setURL(location);
      return new Stores(PostgresRolloutStore.builder(db).build(), location, Optional.empty());
    }
    Path dir = Path.of(location);
    return new Stores(FileRolloutStore.open(dir), dir.toString(), Optional.of(dir));
  }

  /** @return every rollout of {@code fleet} the store lists, oldest start first */
  List<RolloutRecord> ofFleet(String fleet) {
    return all().stream().filter(r -> r.fleet().equals(fleet)).toList();
  }

  /** @return every rollout the store lists, oldest start first */
  List<RolloutRecord> all() {
    if (directory.isEmpty()) {
      return store.unfinished();
    }
    Path rollouts = directory.get().resolve("rollouts");
    if (!Files.isDirectory(rollouts)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(rollouts)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .map(store::load).flatMap(Optional::stream)
          .sorted(Comparator.comparing((RolloutRecord r) -> r.rollout().startedAt())
              .thenComparing(RolloutRecord::id))
          .toList();
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot list " + rollouts + ": " + e
          + "; check the directory given to --store");
    }
  }

  /** @return whether finished rollouts are listed too (the file store) */
  boolean listsFinished() {
    return directory.isPresent();
  }

  /** @return the fleet's running rollout, else its latest one */
  Optional<RolloutRecord> latest(String fleet) {
    List<RolloutRecord> all = ofFleet(fleet);
    Optional<RolloutRecord> running = all.stream().filter(r -> !r.isFinished())
        .reduce((a, b) -> b);
    return running.isPresent() ? running : all.stream().reduce((a, b) -> b);
  }
}
