package dev.molt.cli;

import picocli.CommandLine.Option;

/** The {@code --store} option every command that reads or writes rollouts shares. */
final class StoreOptions {
  @Option(names = "--store", paramLabel = "<dir|jdbc-url>",
      description = "Where rollouts are kept: a directory (the file store; default $MOLT_STORE,"
          + " else ~/.molt/store) or a PostgreSQL JDBC URL (jdbc:postgresql://host/db?user=u).")
  String store;

  /** @return the option's value, or the documented default */
  String location(Terminal terminal) {
    if (store != null && !store.isBlank()) {
      return store;
    }
    return terminal.env("MOLT_STORE", terminal.env("HOME", ".") + "/.molt/store");
  }

  boolean given() {
    return store != null && !store.isBlank();
  }
}
