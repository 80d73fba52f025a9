package dev.switchboard.app;

import dev.switchboard.bench.cli.Output;
import dev.switchboard.bench.compare.CompareRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The summary of a benchmark that runs the same scenarios against variants of one broker (one hub
 * or many, with a stash or without): per scenario and figure, the median over rounds of each
 * variant, and each variant's ratio to the first (when there are two or more).
 *
 * @param <R> what one run measured
 */
final class VariantTable<R> {
  /** A variant: its key in the runs and its column heading. */
  record Variant(String name, String label) {}

  /** One recorded run. */
  record Run<R>(String scenario, String variant, int round, R result) {}

  private final List<Variant> variants;
  private final Map<String, ToDoubleFunction<R>> figures = new LinkedHashMap<>();

  VariantTable(List<Variant> variants) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("no variant to show");
    }
    this.variants = List.copyOf(variants);
  }

  /** Adds a row per scenario: {@code name} read from each run by {@code figure}. */
  VariantTable<R> figure(String name, ToDoubleFunction<R> figure) {
    figures.put(name, figure);
    return this;
  }

  /**
   * Prints the table of {@code runs} after a blank line, and writes the run's settings ({@code
   * name, value, ...}, in that order) with the runs (under {@code runs}) to {@code --json}'s file
   * when one was given.
   */
  void report(PrintWriter out, Output output, List<Run<R>> runs, Object... settings)
      throws IOException {
    out.println();
    out.print(render(runs));
    out.flush();
    Map<String, Object> doc = new LinkedHashMap<>();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      doc.put((String) settings[i], settings[i + 1]);
    }
    doc.put("runs", runs);
    output.writeJson(doc);
  }

  String render(List<Run<R>> runs) {
    StringBuilder b = new StringBuilder();
    List<String> heading = new ArrayList<>();
    heading.add("");
    variants.forEach(v -> heading.add(v.label()));
    for (Variant v : variants.subList(1, variants.size())) {
      heading.add(variants.size() == 2 ? "ratio" : "x " + v.name());
    }
    b.append(row(heading));
    List<String> scenarios = runs.stream().map(Run::scenario).distinct().toList();
    for (String scenario : scenarios) {
      for (var figure : figures.entrySet()) {
        List<String> cells = new ArrayList<>();
        cells.add(scenario + " " + figure.getKey());
        double[] medians =
            variants.stream()
                .mapToDouble(v -> median(runs, scenario, v.name(), figure.getValue()))
                .toArray();
        for (double m : medians) {
          cells.add(format(m));
        }
        for (int i = 1; i < medians.length; i++) {
          cells.add(medians[0] > 0 ? String.format("%.2fx", medians[i] / medians[0]) : "-");
        }
        b.append(row(cells));
      }
    }
    return b.toString();
  }

  private String row(List<String> cells) {
    StringBuilder b = new StringBuilder(String.format("%-32s", cells.get(0)));
    for (int i = 1; i < cells.size(); i++) {
      b.append(' ').append(String.format(i <= variants.size() ? "%18s" : "%12s", cells.get(i)));
    }
    return b.append(System.lineSeparator()).toString();
  }

  private static <R> double median(
      List<Run<R>> runs, String scenario, String variant, ToDoubleFunction<R> figure) {
    return CompareRunner.median(
        runs.stream()
            .filter(r -> r.scenario().equals(scenario) && r.variant().equals(variant))
            .mapToDouble(r -> figure.applyAsDouble(r.result()))
            .toArray());
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.3f", v);
  }
}
