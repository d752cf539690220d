package dev.molt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/ARCHITECTURE.md, checked against the sources: each core package imports
 * only what the map allows (so there is no cycle), and no other module reaches into the packages
 * core does not export — the module boundary holds on the module path, this holds it on the class
 * path too.
 */
class ArchitectureTest {
  private static final Path CORE = Path.of("src/main/java");
  private static final Pattern REFERENCE =
      Pattern.compile("\\bdev\\.molt((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

  /** The map: package (relative to dev.molt; "" is dev.molt) to the packages it may use. */
  private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    allow("internal");
    allow("time");
    allow("", "internal");
    allow("spi", "", "time");
    allow("gate", "", "time", "internal");
    allow("strategy", "", "gate");
    allow("rollout", "", "strategy", "gate");
    allow("reconcile", "", "strategy", "rollout");
    allow("codec", "gate", "rollout", "internal");
    allow("store", "", "time", "gate", "strategy", "rollout", "reconcile", "internal", "codec");
    allow("inmemory", "", "spi", "time");
    allow("decide", "", "strategy", "gate", "rollout", "reconcile");
    allow("engine", "", "time", "spi", "gate", "strategy", "rollout", "reconcile", "store",
        "inmemory", "decide", "internal");
    allow("notify", "", "engine", "rollout", "internal");
    allow("campaign", "", "time", "gate", "strategy", "rollout", "reconcile", "engine", "store",
        "internal", "codec");
  }

  private static void allow(String pkg, String... uses) {
    for (String u : uses) {
      assertThat(ALLOWED).as("the map lists %s before %s, so it has no cycle", u, pkg)
          .containsKey(u);
    }
    ALLOWED.put(pkg, Set.of(uses));
  }

  @Test
  void everyCorePackageUsesOnlyWhatTheMapAllows() {
    Map<String, Set<String>> used = uses(CORE);
    assertThat(used.keySet()).as("every package is on the map").isSubsetOf(ALLOWED.keySet());
    Map<String, Set<String>> beyond = new TreeMap<>();
    used.forEach((pkg, targets) -> {
      Set<String> extra = new TreeSet<>(targets);
      extra.remove(pkg);
      extra.removeAll(ALLOWED.get(pkg));
      if (!extra.isEmpty()) {
        beyond.put(pkg.isEmpty() ? "dev.molt" : pkg, extra);
      }
    });
    assertThat(beyond).as("packages using what docs/ARCHITECTURE.md does not allow").isEmpty();
  }

  @Test
  void noOtherModuleUsesTheUnexportedPackages() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src"))).toList()) {
        if (module.getFileName().toString().equals("core")) {
          continue;
        }
        uses(module.resolve("src")).forEach((pkg, targets) -> {
          if (targets.contains("decide") || targets.contains("internal")) {
            offenders.add(module.getFileName() + ": " + pkg + " -> " + targets);
          }
        });
      }
    }
    assertThat(root.resolve("testkit/src")).isDirectory(); // the walk did see the other modules
    assertThat(offenders).isEmpty();
  }

  @Test
  void theCheckSeesReferencesInCodeButNotInComments() {
    Set<String> seen = references("""
        package dev.molt.gate;
        import dev.molt.time.Scheduler; // dev.molt.engine.RolloutEngine in a comment
        /** {@link dev.molt.store.RolloutStore} */
        class X { dev.molt.spi.Provider p; String s = "dev.molt.decide.Action"; }
        """);
    assertThat(seen).containsExactlyInAnyOrder("time", "spi");
  }

  /** @return for each package (relative to dev.molt) under {@code sources}, the ones it uses */
  private static Map<String, Set<String>> uses(Path sources) {
    Map<String, Set<String>> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        Matcher pkg = Pattern.compile("(?m)^package\\s+([\\w.]+);").matcher(text);
        if (!pkg.find()) {
          continue; // module-info
        }
        out.computeIfAbsent(relative(pkg.group(1)), k -> new HashSet<>())
            .addAll(references(text));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** @return the dev.molt packages {@code source} refers to in code (comments and strings out) */
  private static Set<String> references(String source) {
    String code = source
        .replaceAll("(?s)/\\*.*?\\*/", " ")
        .replaceAll("//[^\\n]*", " ")
        .replaceAll("\"(?:\\\\.|[^\"\\\\\n])*+\"", "\"\"")
        .replaceAll("(?m)^package[^;]*;", " ");
    Set<String> found = new TreeSet<>();
    Matcher m = REFERENCE.matcher(code);
    while (m.find()) {
      found.add(relative("dev.molt" + m.group(1)));
    }
    return found;
  }

  private static String relative(String pkg) {
    if (!pkg.startsWith("dev.molt")) {
      return pkg;
    }
    String rest = pkg.substring("dev.molt".length());
    return rest.startsWith(".") ? rest.substring(1).split("\\.")[0] : rest;
  }
}
