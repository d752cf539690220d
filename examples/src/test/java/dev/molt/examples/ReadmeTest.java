package dev.molt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of README.md compiles against the built modules with its own imports, so the
 * README cannot drift from the API. A block is compiled as it stands when it declares a type,
 * else as the body of a method; a block that begins {@code // a and b as above} gets those
 * variables as parameters, typed as the earlier block declared them (the block must still import
 * the types).
 */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern FENCE = Pattern.compile("(?ms)^```java\\n(.*?)^```");
  private static final Pattern AS_ABOVE = Pattern.compile("(?m)^// (.+) as above$");

  @Test
  void everyJavaBlockCompilesWithItsOwnImports() throws IOException {
    List<String> blocks = blocks(Files.readString(README));
    assertThat(blocks).as("README.md's java blocks").hasSizeGreaterThanOrEqualTo(5);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      String errors = compile(unit(blocks, i));
      if (!errors.isEmpty()) {
        failures.add("README.md java block " + (i + 1) + ":\n" + errors);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aBlockWithoutOneOfItsImportsFails() throws IOException {
    List<String> blocks = blocks(Files.readString(README));
    String first = blocks.get(0);
    Matcher imp = Pattern.compile("(?m)^import dev\\.molt\\.engine\\.RolloutEngine;\\n")
        .matcher(first);
    assertThat(imp.find()).as("the first block imports RolloutEngine").isTrue();
    List<String> broken = new ArrayList<>(blocks);
    broken.set(0, imp.replaceFirst(""));
    assertThat(compile(unit(broken, 0))).contains("cannot find symbol")
        .contains("RolloutEngine");
  }

  private static List<String> blocks(String readme) {
    List<String> out = new ArrayList<>();
    Matcher m = FENCE.matcher(readme);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** @return block {@code i} as a compilation unit in class {@code ReadmeBlock<i>} */
  private static String unit(List<String> blocks, int i) {
    String block = blocks.get(i);
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : block.split("\n", -1)) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    String code = body.toString().strip();
    if (Pattern.compile("(?m)^(public |final |abstract )*(class|record|interface|enum) ")
        .matcher(code).find()) {
      return imports + "\n" + code + "\n";
    }
    List<String> parameters = new ArrayList<>();
    Matcher above = AS_ABOVE.matcher(code);
    if (above.find()) {
      for (String name : above.group(1).split(",\\s*|\\s+and\\s+")) {
        parameters.add(declaredType(blocks, i, name.strip()) + " " + name.strip());
      }
    }
    return imports + "\nclass ReadmeBlock" + (i + 1) + " {\n  void block("
        + String.join(", ", parameters) + ") throws Exception {\n" + code + "\n  }\n}\n";
  }

  private static String declaredType(List<String> blocks, int before, String name) {
    Pattern declaration = Pattern.compile("(?m)^\\s*([A-Z][\\w<>, ]*?)\\s+" + name + "\\s*=");
    for (int j = before - 1; j >= 0; j--) {
      Matcher d = declaration.matcher(blocks.get(j));
      if (d.find()) {
        return d.group(1);
      }
    }
    throw new AssertionError("README.md java block " + (before + 1) + " uses '" + name
        + "' as above, but no block before it declares it");
  }

  /** @return javac's errors, empty if the unit compiles */
  private static String compile(String unit) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Matcher cls = Pattern.compile("(?m)^(?:@\\w+\\s+)?class (\\w+)").matcher(unit);
    String name = cls.find() ? cls.group(1) : "ReadmeBlock";
    JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return unit;
      }
    };
    Path out = Files.createTempDirectory("readme-block");
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    StringWriter errors = new StringWriter();
    boolean ok = javac.getTask(errors, null, null,
        List.of("-classpath", classpath, "-d", out.toString(), "-proc:none", "-Xlint:none"),
        null, List.of(source)).call();
    return ok ? "" : errors + "\n--- compiled as ---\n" + unit;
  }
}
