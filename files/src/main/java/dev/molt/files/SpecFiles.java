package dev.molt.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.molt.Arguments;
import dev.molt.gate.MetricSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes rollout files (docs/files.md): YAML or JSON documents of {@code kind: Rollout},
 * {@code Reconcile} or {@code GateTemplates}, {@code apiVersion: molt.dev/v1}.
 *
 * <pre>{@code
 * SpecFiles files = SpecFiles.builder()
 *     .templates(SpecFiles.create().readTemplates(Path.of("gates.yaml")))
 *     .build();
 * RolloutSpec spec = files.readRollout(Path.of("rollout.yaml")).spec();
 * String text = files.write(RolloutFile.of(spec), Format.YAML);   // reads back to an equal spec
 * }</pre>
 *
 * <p>Every problem is one {@link SpecFileException} naming the file, line, column and field path
 * ({@code rollout.yaml:14:7 strategy.steps[2].setWeight: must be in 0..100, was 150}): syntax,
 * unknown keys (with a did-you-mean), wrong types, missing fields, and every {@link
 * dev.molt.InvalidSpecException} of the core specs, which validate every value. A file that
 * throws yields no spec, so nothing can be launched from it. I/O failures are wrapped in the same
 * exception with the file's name. Immutable and thread-safe.
 */
public final class SpecFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SpecFiles.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();
  private static final ObjectMapper JSON_MAPPER = new ObjectMapper(JSON);
  private static final ObjectMapper YAML_MAPPER = new ObjectMapper(YAML);

  private final Map<String, NamedMetricSource> sources;
  private final List<TemplatesFile> templates;

  private SpecFiles(Map<String, NamedMetricSource> sources, List<TemplatesFile> templates) {
    this.sources = Map.copyOf(sources);
    this.templates = List.copyOf(templates);
  }

  /** @return a reader and writer with no templates or metric sources besides the files' own */
  public static SpecFiles create() {
    return builder().build();
  }

  /**
   * The published JSON Schema of rollout files (draft 2020-12), also in the repository as
   * {@code docs/molt-rollout.schema.json}: for editors and for checks outside the JVM. It
   * describes the form the writer writes; the reader applies the core specs' rules on top.
   *
   * @return the schema's text
   * @throws SpecFileException if the jar lost it
   */
  public static String jsonSchema() {
    try (InputStream in = SpecFiles.class.getResourceAsStream("/molt-rollout.schema.json")) {
      if (in == null) {
        throw new SpecFileException("molt-rollout.schema.json", 0, 0, "", "is missing from the"
            + " molt-files jar", null);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpecFileException("molt-rollout.schema.json", 0, 0, "", "could not be read: " + e,
          e);
    }
  }

  /** @return a builder for a reader that is given shared templates or metric sources */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a file of any kind.
   *
   * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
   * @return what it holds
   * @throws SpecFileException if it cannot be read or is not a valid rollout file
   */
  public SpecFile read(Path file) {
    Arguments.required(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpecFileException(file.toString(), 0, 0, "", "could not be read: " + e, e);
    }
    return parse(file.toString(), text, Format.of(file));
  }

  /**
   * Reads a document from text.
   *
   * @param name the name errors give the document, such as its file name
   * @param text the document
   * @param format its notation
   * @return what it holds
   * @throws SpecFileException if it is not a valid rollout file
   */
  public SpecFile parse(String name, String text, Format format) {
    Arguments.notBlank(name, "name");
    Arguments.required(text, "text");
    Arguments.required(format, "format");
    LocatedTree tree = LocatedTree.parse(name, text, format == Format.JSON ? JSON : YAML);
    SpecFile read = new SpecReader(sources, templates).read(tree);
    LOG.debug("file={} kind={} read", name, read.kind());
    return read;
  }

  /**
   * Reads a {@code kind: Rollout} file.
   *
   * @param file the file
   * @return the rollout file
   * @throws SpecFileException if it cannot be read, is invalid or holds another kind
   */
  public RolloutFile readRollout(Path file) {
    return kind(read(file), RolloutFile.class, file);
  }

  /**
   * Reads a {@code kind: Reconcile} file.
   *
   * @param file the file
   * @return the reconcile file
   * @throws SpecFileException if it cannot be read, is invalid or holds another kind
   */
  public ReconcileFile readReconcile(Path file) {
    return kind(read(file), ReconcileFile.class, file);
  }

  /**
   * Reads a {@code kind: GateTemplates} file.
   *
   * @param file the file
   * @return the templates file
   * @throws SpecFileException if it cannot be read, is invalid or holds another kind
   */
  public TemplatesFile readTemplates(Path file) {
    return kind(read(file), TemplatesFile.class, file);
  }

  private static <T extends SpecFile> T kind(SpecFile read, Class<T> type, Path file) {
    if (!type.isInstance(read)) {
      String wanted = type.getSimpleName().replace("File", "");
      throw new SpecFileException(file.toString(), 1, 1, "kind", "is " + read.kind()
          + " but a " + (wanted.equals("Templates") ? "GateTemplates" : wanted)
          + " file was expected here", null);
    }
    return type.cast(read);
  }

  /**
   * Writes a file's text: keys in the documented order, values equal to a default left out.
   * Reading the text back gives an equal {@link SpecFile}.
   *
   * @param file what to write
   * @param format the notation
   * @return the text, ending with a newline
   * @throws SpecFileException if a value has no file form (a gate or metric source written in
   *     Java that files cannot name)
   */
  public String write(SpecFile file, Format format) {
    return write(file, format, "<" + Arguments.required(file, "file").kind() + ">");
  }

  /**
   * Writes a file, in the notation its name says.
   *
   * @param file what to write
   * @param to where; an existing file is replaced
   * @throws SpecFileException if a value has no file form or the file cannot be written
   */
  public void write(SpecFile file, Path to) {
    Arguments.required(to, "to");
    String text = write(file, Format.of(to), to.toString());
    try {
      Files.writeString(to, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpecFileException(to.toString(), 0, 0, "", "could not be written: " + e, e);
    }
  }

  private String write(SpecFile file, Format format, String name) {
    Arguments.required(file, "file");
    Arguments.required(format, "format");
    ObjectNode tree = new SpecWriter(name).write(file);
    try {
      if (format == Format.JSON) {
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        pretty.indentArraysWith(new DefaultIndenter("  ", "\n"));
        pretty.indentObjectsWith(new DefaultIndenter("  ", "\n"));
        return JSON_MAPPER.writer(pretty).writeValueAsString(tree) + "\n";
      }
      return YAML_MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new SpecFileException(name, 0, 0, "", "could not be written: " + e, e);
    }
  }

  /** Builds a {@link SpecFiles}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, NamedMetricSource> sources = new LinkedHashMap<>();
    private final List<TemplatesFile> templates = new ArrayList<>();

    private Builder() {}

    /**
     * Makes a metric source known by name, for {@code source: <name>} in files: any source,
     * not only the Prometheus ones a file can declare.
     *
     * @param name the name files use
     * @param source the source
     * @return this builder
     */
    public Builder metricSource(String name, MetricSource source) {
      NamedMetricSource named = source instanceof NamedMetricSource n && n.name().equals(name)
          ? n : new NamedMetricSource(name, source);
      sources.put(name, named);
      return this;
    }

    /**
     * Makes a templates file's templates and metric sources known to every file read, for
     * {@code template: <name>}; a file's own declarations may not reuse their names.
     *
     * @param file a templates file, as {@link SpecFiles#readTemplates} gives it
     * @return this builder
     */
    public Builder templates(TemplatesFile file) {
      templates.add(Arguments.required(file, "file"));
      return this;
    }

    /** @return the reader and writer */
    public SpecFiles build() {
      return new SpecFiles(sources, templates);
    }
  }
}
