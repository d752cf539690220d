package dev.molt.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A parsed file: its tree and where each value and each key began, by field path ({@code
 * strategy.steps[2].setWeight}; object members as {@code parent.key}, list items as {@code
 * parent[i]}). Jackson's trees forget locations, so the tree is built here from the token stream.
 * Duplicate keys and a second YAML document are refused, since either would silently hide a value.
 */
final class LocatedTree {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String file;
  private final JsonNode root;
  private final Map<String, int[]> values;
  private final Map<String, int[]> keys;

  private LocatedTree(String file, JsonNode root, Map<String, int[]> values,
      Map<String, int[]> keys) {
    this.file = file;
    this.root = root;
    this.values = values;
    this.keys = keys;
  }

  /**
   * Parses one document.
   *
   * @throws SpecFileException if the text is not one well-formed YAML or JSON document
   */
  static LocatedTree parse(String file, String text, JsonFactory factory) {
    Map<String, int[]> values = new HashMap<>();
    Map<String, int[]> keys = new HashMap<>();
    try (JsonParser p = factory.createParser(text)) {
      if (p.nextToken() == null) {
        throw new SpecFileException(file, 1, 1, "", "is empty: a rollout file starts with"
            + " apiVersion: molt.dev/v1 and kind: Rollout, Reconcile or GateTemplates", null);
      }
      JsonNode root = read(file, p, "", values, keys);
      if (p.nextToken() != null) {
        int[] at = at(p.currentTokenLocation());
        throw new SpecFileException(file, at[0], at[1], "", "holds a second document: write one"
            + " document per file", null);
      }
      return new LocatedTree(file, root, values, keys);
    } catch (JsonProcessingException e) {
      int[] at = e.getLocation() == null ? new int[] {0, 0} : at(e.getLocation());
      throw new SpecFileException(file, at[0], at[1], "", "is not well-formed: "
          + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", " "), e);
    } catch (IOException e) {
      throw new SpecFileException(file, 0, 0, "", "could not be read: " + e, e);
    }
  }

  private static JsonNode read(String file, JsonParser p, String path, Map<String, int[]> values,
      Map<String, int[]> keys) throws IOException {
    values.put(path, at(p.currentTokenLocation()));
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          int[] keyAt = at(p.currentTokenLocation());
          if (o.has(name)) {
            throw new SpecFileException(file, keyAt[0], keyAt[1], child, "is set twice; a key"
                + " appears once in an object", null);
          }
          keys.put(child, keyAt);
          p.nextToken();
          o.set(name, read(file, p, child, values, keys));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(read(file, p, path + "[" + i++ + "]", values, keys));
        }
        return a;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return NODES.numberNode(p.getBigIntegerValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDecimalValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> {
        int[] here = at(p.currentTokenLocation());
        throw new SpecFileException(file, here[0], here[1], path, "holds " + t
            + ", which a rollout file does not use", null);
      }
    }
  }

  private static int[] at(JsonLocation l) {
    return new int[] {Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr())};
  }

  /** @return the file's name */
  String file() {
    return file;
  }

  /** @return the document */
  JsonNode root() {
    return root;
  }

  /**
   * The place of a field: its value if the file has it, else its key, else its nearest enclosing
   * value (a missing field is reported where it should have been written).
   *
   * @param path a field path; a core path's map keys ({@code secrets[DB]}) are accepted too
   * @return line and column, 1-based
   */
  int[] locate(String path) {
    String p = path;
    while (true) {
      if (values.containsKey(p)) {
        return values.get(p);
      }
      if (keys.containsKey(p)) {
        return keys.get(p);
      }
      if (p.isEmpty()) {
        return new int[] {1, 1};
      }
      p = parent(p);
    }
  }

  /** @return where the key of {@code path} was written, or its nearest enclosing value */
  int[] locateKey(String path) {
    return keys.containsKey(path) ? keys.get(path) : locate(path);
  }

  static String parent(String path) {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    int cut = Math.max(dot, bracket);
    return cut < 0 ? "" : path.substring(0, cut);
  }
}
