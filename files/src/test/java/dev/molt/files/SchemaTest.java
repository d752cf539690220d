package dev.molt.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The published JSON Schema accepts every example file, refuses bad ones, names the same keys as
 * the reader, and the copy under docs/ is the one the jar carries.
 */
class SchemaTest {
  static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
      .getSchema(SpecFiles.jsonSchema(), InputFormat.JSON);
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  static List<Error> validate(Path file) throws IOException {
    return validate(Files.readString(file, StandardCharsets.UTF_8), Format.of(file));
  }

  static List<Error> validate(String text, Format format) throws IOException {
    JsonNode tree = (format == Format.JSON ? JSON : YAML).readTree(text);
    return SCHEMA.validate(JSON.writeValueAsString(tree), InputFormat.JSON);
  }

  static List<Path> examples() throws IOException {
    return ExampleFilesTest.examples().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleFileValidates(Path example) throws IOException {
    assertThat(validate(example)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "  - setWeight: 50=  - setWeight: 150",
      "capacity: 10=capacty: 10",
      "  - pause: 10m=  - pause: 10 minutes",
      "  type: canary=  type: canery",
      "    version: v2\n=",
      "apiVersion: molt.dev/v1=apiVersion: molt.dev/v2"})
  void badFilesDoNotValidate(String change) throws IOException {
    String[] parts = change.split("=", 2);
    String bad = FileErrorsTest.with(parts[0], parts[1]);

    assertThat(validate(bad, Format.YAML)).isNotEmpty();
    assertThat(validate(FileErrorsTest.GOOD, Format.YAML)).isEmpty();
  }

  @Test
  void theSchemaNamesTheKeysTheReaderReads() throws IOException {
    JsonNode defs = JSON.readTree(SpecFiles.jsonSchema()).get("$defs");
    Map<String, Set<String>> expected = Map.ofEntries(
        Map.entry("rolloutFile", Keys.ROLLOUT_FILE),
        Map.entry("reconcileFile", Keys.RECONCILE_FILE),
        Map.entry("templatesFile", Keys.TEMPLATES_FILE),
        Map.entry("metricSource", Keys.METRIC_SOURCE),
        Map.entry("launch", Keys.LAUNCH),
        Map.entry("image", Keys.IMAGE),
        Map.entry("healthCheck", Keys.HEALTH_CHECK),
        Map.entry("rolling", Keys.ROLLING),
        Map.entry("rollingStrategy", Keys.withType(Keys.ROLLING)),
        Map.entry("zones", Keys.ZONES),
        Map.entry("blueGreen", Keys.BLUE_GREEN),
        Map.entry("canary", Keys.CANARY),
        Map.entry("analysis", Keys.ANALYSIS),
        Map.entry("healthyShare", Keys.HEALTHY_SHARE),
        Map.entry("httpProbe", Keys.HTTP_PROBE),
        Map.entry("metricComparison", Keys.METRIC_COMPARISON),
        Map.entry("canaryScore", Keys.CANARY_SCORE),
        Map.entry("windows", Keys.WINDOWS),
        Map.entry("weekly", Keys.WEEKLY),
        Map.entry("freeze", Keys.FREEZE));
    expected.forEach((def, keys) -> {
      List<String> inSchema = new ArrayList<>();
      defs.get(def).get("properties").fieldNames().forEachRemaining(inSchema::add);
      assertThat(inSchema).as(def).containsExactlyElementsOf(keys);
    });
    List<String> steps = new ArrayList<>();
    defs.get("step").get("oneOf").forEach(s -> {
      if (s.has("properties")) {
        s.get("properties").fieldNames().forEachRemaining(steps::add);
      }
    });
    assertThat(steps).containsExactlyElementsOf(Keys.STEPS);
    List<String> gates = new ArrayList<>();
    defs.get("gate").get("oneOf").forEach(g -> g.get("properties").fieldNames()
        .forEachRemaining(gates::add));
    assertThat(gates).containsExactlyElementsOf(Keys.GATES);
  }

  @Test
  void theCopyUnderDocsIsThePublishedSchema() throws IOException {
    assertThat(Files.readString(Path.of("..", "docs", "molt-rollout.schema.json")))
        .isEqualTo(SpecFiles.jsonSchema());
  }
}
