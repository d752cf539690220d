package dev.molt.aws.store;

import static dev.molt.aws.store.Expressions.invalid;
import static dev.molt.aws.store.Expressions.upper;

import dev.molt.aws.store.Expressions.And;
import dev.molt.aws.store.Expressions.Arithmetic;
import dev.molt.aws.store.Expressions.Between;
import dev.molt.aws.store.Expressions.Compare;
import dev.molt.aws.store.Expressions.Condition;
import dev.molt.aws.store.Expressions.Function;
import dev.molt.aws.store.Expressions.IfNotExists;
import dev.molt.aws.store.Expressions.In;
import dev.molt.aws.store.Expressions.ListAppend;
import dev.molt.aws.store.Expressions.Not;
import dev.molt.aws.store.Expressions.Operand;
import dev.molt.aws.store.Expressions.Or;
import dev.molt.aws.store.Expressions.Path;
import dev.molt.aws.store.Expressions.PathOperand;
import dev.molt.aws.store.Expressions.Placeholders;
import dev.molt.aws.store.Expressions.SizeOperand;
import dev.molt.aws.store.Expressions.Update;
import dev.molt.aws.store.Expressions.ValueOperand;
import dev.molt.aws.store.FakeDynamoDb.Refusal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A recursive-descent parser of {@link Expressions}' grammar over a small tokenizer. One use per
 * expression; not thread-safe.
 */
final class ExpressionParser {
  private enum Kind { WORD, NAME_REF, VALUE_REF, INT, SYMBOL, END }

  private record Token(Kind kind, String text, int at) {}

  private static final List<String> SYMBOLS = List.of("<>", "<=", ">=", "=", "<", ">", "(", ")",
      "[", "]", ",", ".", "+", "-");

  private final String text;
  private final Placeholders placeholders;
  private final String what;
  private final List<Token> tokens = new ArrayList<>();
  private int next;

  ExpressionParser(String text, Placeholders placeholders, String what) {
    this.text = text;
    this.placeholders = placeholders;
    this.what = what;
    if (text.isBlank()) {
      throw invalid(what, "The expression can not be empty;");
    }
    tokenize();
  }

  // ------------------------------------------------------------------ conditions

  Condition or() {
    Condition left = and();
    while (keyword("OR")) {
      left = new Or(left, and());
    }
    return left;
  }

  private Condition and() {
    Condition left = not();
    while (keyword("AND")) {
      left = new And(left, not());
    }
    return left;
  }

  private Condition not() {
    if (keyword("NOT")) {
      return new Not(not());
    }
    return primary();
  }

  private Condition primary() {
    if (symbol("(")) {
      Condition inner = or();
      expect(")");
      return inner;
    }
    Token t = peek();
    if (t.kind == Kind.WORD && Expressions.BOOLEAN_FUNCTIONS.contains(t.text)
        && tokens.get(next + 1).text.equals("(")) {
      next += 2;
      Path path = path();
      Optional<Operand> argument = Optional.empty();
      if (!t.text.startsWith("attribute_") || t.text.equals("attribute_type")) {
        expect(",");
        argument = Optional.of(operand());
      }
      expect(")");
      return new Function(t.text, path, argument, what);
    }
    Operand left = operand();
    Token op = peek();
    if (op.kind == Kind.SYMBOL && List.of("=", "<>", "<", "<=", ">", ">=").contains(op.text)) {
      next++;
      return new Compare(left, op.text, operand());
    }
    if (keyword("BETWEEN")) {
      Operand low = operand();
      if (!keyword("AND")) {
        throw syntax(peek());
      }
      Operand high = operand();
      if (low instanceof ValueOperand l && high instanceof ValueOperand h
          && AttributeValues.compare(l.literal(), h.literal()).orElse(0) > 0) {
        throw invalid(what, "The BETWEEN operator requires upper bound to be greater than or"
            + " equal to lower bound; lower bound operand: " + l.literal() + ", upper bound"
            + " operand: " + h.literal());
      }
      return new Between(left, low, high);
    }
    if (keyword("IN")) {
      expect("(");
      List<Operand> options = new ArrayList<>(List.of(operand()));
      while (symbol(",")) {
        options.add(operand());
      }
      expect(")");
      if (options.size() > 100) {
        throw invalid(what, "The IN operator is provided with too many operands; number of"
            + " operands: " + options.size());
      }
      return new In(left, options);
    }
    throw syntax(op);
  }

  private Operand operand() {
    Token t = peek();
    if (t.kind == Kind.VALUE_REF) {
      next++;
      return new ValueOperand(placeholders.value(t.text, what));
    }
    if (t.kind == Kind.WORD && t.text.equals("size") && tokens.get(next + 1).text.equals("(")) {
      next += 2;
      Path path = path();
      expect(")");
      return new SizeOperand(path, what);
    }
    if (t.kind == Kind.WORD && (Expressions.BOOLEAN_FUNCTIONS.contains(t.text)
        || t.text.equals("if_not_exists") || t.text.equals("list_append"))
        && tokens.get(next + 1).text.equals("(")) {
      throw invalid(what, "The function is not allowed to be used this way in an expression;"
          + " function: " + t.text);
    }
    return new PathOperand(path());
  }

  private Path path() {
    List<Object> steps = new ArrayList<>();
    steps.add(name());
    while (true) {
      if (symbol(".")) {
        steps.add(name());
      } else if (symbol("[")) {
        Token index = peek();
        if (index.kind != Kind.INT) {
          throw syntax(index);
        }
        next++;
        steps.add(Integer.parseInt(index.text));
        expect("]");
      } else {
        return new Path(List.copyOf(steps));
      }
    }
  }

  private String name() {
    Token t = peek();
    if (t.kind == Kind.NAME_REF) {
      next++;
      return placeholders.name(t.text, what);
    }
    if (t.kind != Kind.WORD) {
      throw syntax(t);
    }
    if (Expressions.RESERVED.contains(upper(t.text))) {
      throw invalid(what, "Attribute name is a reserved keyword; reserved keyword: " + t.text);
    }
    next++;
    return t.text;
  }

  // ------------------------------------------------------------------ updates

  Update update() {
    List<Path> setPaths = new ArrayList<>();
    List<Operand> setValues = new ArrayList<>();
    List<Path> removes = new ArrayList<>();
    Set<String> clauses = new HashSet<>();
    do {
      Token t = peek();
      String clause = t.kind == Kind.WORD ? upper(t.text) : "";
      if (!List.of("SET", "REMOVE", "ADD", "DELETE").contains(clause)) {
        throw syntax(t);
      }
      if (!clauses.add(clause)) {
        throw invalid(what, "The \"" + clause + "\" section can only be used once in an update"
            + " expression;");
      }
      next++;
      if (clause.equals("ADD") || clause.equals("DELETE")) {
        throw invalid(what, "the stub implements SET and REMOVE only, not " + clause);
      }
      do {
        Path path = topLevel(path());
        if (clause.equals("SET")) {
          expect("=");
          setPaths.add(path);
          setValues.add(value());
        } else {
          removes.add(path);
        }
      } while (symbol(","));
    } while (peek().kind != Kind.END);
    Set<String> written = new HashSet<>();
    for (Path p : concat(setPaths, removes)) {
      if (!written.add(p.top())) {
        throw invalid(what, "Two document paths overlap with each other; must remove or rewrite"
            + " one of these paths; path one: [" + p.top() + "], path two: [" + p.top() + "]");
      }
    }
    return new Update(List.copyOf(setPaths), List.copyOf(setValues), List.copyOf(removes));
  }

  private Operand value() {
    Operand left = updateOperand();
    if (symbol("+")) {
      return new Arithmetic(left, '+', updateOperand());
    }
    if (symbol("-")) {
      return new Arithmetic(left, '-', updateOperand());
    }
    return left;
  }

  private Operand updateOperand() {
    Token t = peek();
    if (t.kind == Kind.WORD && tokens.get(next + 1).text.equals("(")) {
      if (t.text.equals("if_not_exists")) {
        next += 2;
        Path path = path();
        expect(",");
        Operand otherwise = updateOperand();
        expect(")");
        return new IfNotExists(path, otherwise);
      }
      if (t.text.equals("list_append")) {
        next += 2;
        Operand first = updateOperand();
        expect(",");
        Operand second = updateOperand();
        expect(")");
        return new ListAppend(first, second);
      }
      throw invalid(what, "Invalid function name; function: " + t.text);
    }
    if (t.kind == Kind.VALUE_REF) {
      next++;
      return new ValueOperand(placeholders.value(t.text, what));
    }
    return new PathOperand(path());
  }

  private Path topLevel(Path path) {
    if (path.steps().size() > 1) {
      throw invalid(what, "the stub updates top-level attributes only, not " + path.steps());
    }
    return path;
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    List<Path> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  // ------------------------------------------------------------------ tokens

  void expectEnd() {
    if (peek().kind != Kind.END) {
      throw syntax(peek());
    }
  }

  private Token peek() {
    return tokens.get(next);
  }

  private boolean keyword(String word) {
    Token t = peek();
    if (t.kind == Kind.WORD && upper(t.text).equals(word)) {
      next++;
      return true;
    }
    return false;
  }

  private boolean symbol(String s) {
    Token t = peek();
    if (t.kind == Kind.SYMBOL && t.text.equals(s)) {
      next++;
      return true;
    }
    return false;
  }

  private void expect(String s) {
    if (!symbol(s)) {
      throw syntax(peek());
    }
  }

  private Refusal syntax(Token t) {
    String token = t.kind == Kind.END ? "<EOF>" : t.text;
    String near = text.substring(Math.max(0, t.at - 10), Math.min(text.length(), t.at + 10));
    return invalid(what, "Syntax error; token: \"" + token + "\", near: \"" + near + "\"");
  }

  private void tokenize() {
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      int start = i;
      if (c == '#' || c == ':') {
        i++;
        while (i < text.length() && isWordChar(text.charAt(i))) {
          i++;
        }
        if (i == start + 1) {
          throw invalid(what, "Syntax error; token: \"" + c + "\", near: \"" + text.substring(
              start, Math.min(text.length(), start + 10)) + "\"");
        }
        tokens.add(new Token(c == '#' ? Kind.NAME_REF : Kind.VALUE_REF, text.substring(start, i),
            start));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < text.length() && isWordChar(text.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.WORD, text.substring(start, i), start));
      } else if (Character.isDigit(c)) {
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.INT, text.substring(start, i), start));
      } else {
        final int at = i;
        String symbol = SYMBOLS.stream().filter(s -> text.startsWith(s, at)).findFirst()
            .orElseThrow(() -> invalid(what, "Invalid token; token: \"" + c + "\", near: \""
                + text.substring(Math.max(0, at - 10), Math.min(text.length(), at + 10)) + "\""));
        i += symbol.length();
        tokens.add(new Token(Kind.SYMBOL, symbol, start));
      }
    }
    tokens.add(new Token(Kind.END, "", text.length()));
    tokens.add(new Token(Kind.END, "", text.length())); // lookahead of two never runs out
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
