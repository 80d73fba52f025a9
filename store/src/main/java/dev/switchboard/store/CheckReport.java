package dev.switchboard.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link StoreTool#check} (the broker's state) or {@link StoreTool#checkStashes} (the stashes'
 * entries) found.
 *
 * @param store what and where the store is ({@code sqlite data/switchboard.db})
 * @param versionName how the report names the schema's version ({@code schema version}, {@code
 *     stash schema version})
 * @param schemaVersion the schema version it is at, -1 when unknown (unreadable, or no store yet)
 * @param rowCounts rows per table, in table order, for the tables that could be counted
 * @param problems damage: SQLite's integrity check lines, unreadable tables, a schema newer than
 *     this code, counters that disagree with the rows; empty when the store is sound
 * @param notes what is worth knowing but not damage (rows no session owns, an older schema that
 *     will be migrated at the next start, entries of a stash the registry no longer defines)
 * @param advice what to do when it is damaged
 */
public record CheckReport(
    String store,
    String versionName,
    int schemaVersion,
    Map<String, Long> rowCounts,
    List<String> problems,
    List<String> notes,
    String advice) {

  /** What to do about a damaged state store. */
  static final String REPAIR_ADVICE =
      "'switchboard store repair' copies what can be read into a new store and keeps the"
          + " damaged file aside";

  public CheckReport {
    rowCounts = Collections.unmodifiableMap(new LinkedHashMap<>(rowCounts));
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  /** A report on the broker's state store. */
  public CheckReport(
      String store,
      int schemaVersion,
      Map<String, Long> rowCounts,
      List<String> problems,
      List<String> notes) {
    this(store, "schema version", schemaVersion, rowCounts, problems, notes, REPAIR_ADVICE);
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  /** The report as lines for a terminal. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(store + ": " + (ok() ? "ok" : "DAMAGED"));
    out.add("  " + versionName + ": " + (schemaVersion < 0 ? "unknown" : schemaVersion));
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
      out.add("  " + advice);
    }
    return out;
  }
}
