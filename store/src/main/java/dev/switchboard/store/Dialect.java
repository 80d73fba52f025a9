package dev.switchboard.store;

/**
 * The SQL database a store lives in. The statements the store runs are the same on both (both speak
 * {@code INSERT ... ON CONFLICT}); the schema scripts differ in their types.
 */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String scriptDirectory;

  Dialect(String scriptDirectory) {
    this.scriptDirectory = scriptDirectory;
  }

  /** The classpath folder of this dialect's migration scripts. */
  String scriptDirectory() {
    return "db/" + scriptDirectory;
  }
}
