package dev.switchboard.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link StoreTool#check} found.
 *
 * @param store what and where the store is ({@code sqlite data/switchboard.db})
 * @param schemaVersion the schema version it is at, -1 when unknown (unreadable, or no store yet)
 * @param rowCounts rows per table, in table order, for the tables that could be counted
 * @param problems damage: SQLite's integrity check lines, unreadable tables, a schema newer than
 *     this code; empty when the store is sound
 * @param notes what is worth knowing but not damage (rows no session owns, an older schema that
 *     will be migrated at the next start)
 */
public record CheckReport(
    String store,
    int schemaVersion,
    Map<String, Long> rowCounts,
    List<String> problems,
    List<String> notes) {

  public CheckReport {
    rowCounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowCounts));
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  /** The report as lines for a terminal. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(store + ": " + (ok() ? "ok" : "DAMAGED"));
    out.add("  schema version: " + (schemaVersion < 0 ? "unknown" : schemaVersion));
    if (!rowCounts.isEmpty()) {
      StringBuilder counts = new StringBuilder("  rows:");
      rowCounts.forEach((table, n) -> counts.append(' ').append(table).append('=').append(n));
      out.add(counts.toString());
    }
    for (String p : problems) {
      out.add("  problem: " + p);
    }
    for (String n : notes) {
      out.add("  note: " + n);
    }
    if (!ok()) {
      out.add(
          "  'switchboard store repair' copies what can be read into a new store and keeps the"
              + " damaged file aside");
    }
    return out;
  }
}
