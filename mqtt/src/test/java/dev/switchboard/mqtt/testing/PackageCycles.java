package dev.switchboard.mqtt.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package graph of a module's main sources, read from the source files: which of the module's
 * packages each package names (imports and fully qualified names). DESIGN.md: inside a module no
 * two packages import each other.
 */
public final class PackageCycles {
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

  private PackageCycles() {}

  /**
   * The pairs of packages under {@code base} in the sources at {@code sourceRoot} that import each
   * other, as "a <-> b" (each pair once); empty when the graph has no two-way arrow.
   */
  public static List<String> twoWay(Path sourceRoot, String base) {
    Map<String, Set<String>> deps = graph(sourceRoot, base);
    List<String> out = new ArrayList<>();
    deps.forEach(
        (from, tos) -> {
          for (String to : tos) {
            if (from.compareTo(to) < 0 && deps.getOrDefault(to, Set.of()).contains(from)) {
              out.add(from + " <-> " + to);
            }
          }
        });
    return out;
  }

  /** Package to the other packages under {@code base} that its files name. */
  public static Map<String, Set<String>> graph(Path sourceRoot, String base) {
    Pattern reference =
        Pattern.compile("\\b(" + Pattern.quote(base) + "(?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String src = Files.readString(f);
        Matcher pkg = PACKAGE.matcher(src);
        if (!pkg.find()) {
          continue;
        }
        String from = pkg.group(1);
        Set<String> tos = deps.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher m = reference.matcher(src);
        while (m.find()) {
          if (!m.group(1).equals(from)) {
            tos.add(m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deps;
  }
}
