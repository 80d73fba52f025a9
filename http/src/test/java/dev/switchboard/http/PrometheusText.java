package dev.switchboard.http;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), for the tests: every line
 * is a HELP, a TYPE, a comment or a sample; names and label names follow the format's grammar;
 * label values use only its three escapes; values are Go floats; a family has at most one HELP and
 * one TYPE, given before its samples; no series appears twice. Anything else throws.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One series: its name and labels (sorted). */
  record Series(String name, Map<String, String> labels) {}

  /** The families' types, and every sample's value by series. */
  record Parsed(Map<String, String> types, Map<Series, Double> samples) {
    /** The value of {@code name} with exactly {@code labels}; null when absent. */
    Double value(String name, Map<String, String> labels) {
      return samples.get(new Series(name, new TreeMap<>(labels)));
    }

    Double value(String name) {
      return value(name, Map.of());
    }
  }

  private PrometheusText() {}

  static Parsed parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text must end with a line feed");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Set<String> helped = new java.util.HashSet<>();
    Set<String> sampled = new java.util.HashSet<>();
    Map<Series, Double> samples = new HashMap<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      try {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
          String[] parts = line.substring(7).split(" ", 2);
          String name = parts[0];
          require(NAME.matcher(name).matches(), "bad metric name '" + name + "'");
          require(!sampled.contains(name), name + ": HELP or TYPE after its samples");
          if (line.startsWith("# HELP ")) {
            require(helped.add(name), name + ": a second HELP");
            if (parts.length > 1) {
              checkEscapes(parts[1], false);
            }
          } else {
            require(parts.length == 2 && TYPES.contains(parts[1]), name + ": bad TYPE");
            require(types.put(name, parts[1]) == null, name + ": a second TYPE");
          }
        } else if (line.startsWith("#")) {
          continue; // a comment
        } else {
          Series s = sample(line, samples);
          sampled.add(family(s.name(), types));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + n + ": " + e.getMessage() + ": " + line, e);
      }
    }
    return new Parsed(types, samples);
  }

  /** The family a sample belongs to: its own name, or a declared family it is a part of. */
  private static String family(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : new String[] {"_total", "_created", "_sum", "_count", "_bucket"}) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if (type != null) {
          boolean fits =
              switch (type) {
                case "counter" -> suffix.equals("_total") || suffix.equals("_created");
                case "summary" -> suffix.equals("_sum") || suffix.equals("_count");
                case "histogram" -> !suffix.equals("_total");
                default -> false;
              };
          require(fits, name + " is not a sample of " + type + " " + base);
          return base;
        }
      }
    }
    return name; // untyped
  }

  private static Series sample(String line, Map<Series, Double> samples) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    require(NAME.matcher(name).matches(), "bad metric name '" + name + "'");
    TreeMap<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        require(eq > i, "a label without '='");
        String label = line.substring(i, eq);
        require(LABEL.matcher(label).matches(), "bad label name '" + label + "'");
        require(!label.startsWith("__"), "reserved label name '" + label + "'");
        require(line.charAt(eq + 1) == '"', "a label value must be quoted");
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          require(j < line.length(), "an unterminated label value");
          char c = line.charAt(j);
          if (c == '\\') {
            char e = line.charAt(j + 1);
            value.append(
                switch (e) {
                  case '\\' -> '\\';
                  case '"' -> '"';
                  case 'n' -> '\n';
                  default -> throw new IllegalArgumentException("bad escape \\" + e);
                });
            j += 2;
          } else if (c == '"') {
            break;
          } else {
            value.append(c);
            j++;
          }
        }
        require(labels.put(label, value.toString()) == null, "label '" + label + "' twice");
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(line.charAt(i) == '}', "',' or '}' expected after a label");
        }
      }
      i++;
    }
    require(i < line.length() && line.charAt(i) == ' ', "a space before the value");
    String[] rest = line.substring(i + 1).split(" ");
    require(rest.length == 1 || rest.length == 2, "a value and at most a timestamp");
    double value = value(rest[0]);
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    Series s = new Series(name, labels);
    require(samples.put(s, value) == null, "series " + s + " twice");
    return s;
  }

  private static double value(String text) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        require(text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"), "bad value");
        yield Double.parseDouble(text);
      }
    };
  }

  private static void checkEscapes(String text, boolean quotes) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        require(i + 1 < text.length(), "a lone backslash");
        char e = text.charAt(++i);
        require(e == '\\' || e == 'n' || (quotes && e == '"'), "bad escape \\" + e);
      }
    }
  }

  private static void require(boolean ok, String why) {
    if (!ok) {
      throw new IllegalArgumentException(why);
    }
  }
}
