package dev.switchboard.store;

import java.util.List;

/**
 * The two schemas a Switchboard database holds, each with its own migration track: the broker's
 * message state and the device registry. On PostgreSQL both live in one database; on SQLite each
 * has a file of its own, because the state file is locked by the broker that has it open while the
 * registry must stay open to {@code switchboard devices} in another process.
 */
enum Schema {
  /** The broker's durable state ({@link SqlStore}). */
  STATE(
      "store",
      "schema_version",
      "schema",
      "",
      List.of("V1__init.sql", "V2__hubs.sql", "V3__session_holders.sql"),
      Migrations.STATE_TABLES,
      0x5357_4244L, // "SWBD"
      false,
      Integer.MAX_VALUE,
      "check it with 'switchboard store check', repair it with 'switchboard store repair'"),

  /**
   * The registry of hubs, devices and administrators ({@code
   * dev.switchboard.store.registry.RegistryStore}).
   */
  REGISTRY(
      "registry",
      "registry_schema_version",
      "registry schema",
      "registry/",
      List.of(
          "V1__registry.sql",
          "V2__hubs.sql",
          "V3__administration.sql",
          "V4__dashboards.sql",
          "V5__stashes.sql",
          "V6__quotas.sql"),
      List.of(
          "devices",
          "device_subscriptions",
          "device_sources",
          "access_rules",
          "registry_version",
          "hubs",
          "administrators",
          "api_keys",
          "audit_log",
          "dashboards",
          "stashes",
          "stash_client_ids",
          "hub_quotas",
          "device_quotas",
          "quota_counters"),
      0x5357_5247L, // "SWRG"
      true,
      2,
      "restore it from a backup, or move it aside to start with an empty registry"),

  /**
   * Message logs (the hub's stashes): written by the broker's journal in the publisher's unit, read
   * and cleared by {@link MessageLogStore}. On SQLite a file of its own ({@code stashes.db})
   * attached to the state file's connection with normal locking, so that {@code switchboard
   * stashes} can read it while the broker runs; on PostgreSQL in the store's database.
   */
  STASHES(
      "stash store",
      "stash_schema_version",
      "stash schema",
      "stashes/",
      List.of("V1__message_logs.sql"),
      List.of("message_logs", "log_entries"),
      0x5357_5354L, // "SWST"
      true,
      4,
      "move it aside to start with empty stashes (their definitions are in the registry)");

  private final String noun;
  private final String versionTable;
  private final String schemaName;
  private final String scriptFolder;
  private final List<String> scripts;
  private final List<String> tables;
  private final long lockKey;
  private final boolean shared;
  private final int maxPoolSize;
  private final String damagedAdvice;

  Schema(
      String noun,
      String versionTable,
      String schemaName,
      String scriptFolder,
      List<String> scripts,
      List<String> tables,
      long lockKey,
      boolean shared,
      int maxPoolSize,
      String damagedAdvice) {
    this.noun = noun;
    this.versionTable = versionTable;
    this.schemaName = schemaName;
    this.scriptFolder = scriptFolder;
    this.scripts = scripts;
    this.tables = tables;
    this.lockKey = lockKey;
    this.shared = shared;
    this.maxPoolSize = maxPoolSize;
    this.damagedAdvice = damagedAdvice;
  }

  /** How messages name a database of this schema: {@code store data/switchboard.db}. */
  String noun() {
    return noun;
  }

  /** The table with one row per script applied. */
  String versionTable() {
    return versionTable;
  }

  /** How messages name the schema: {@code migrating the registry schema}. */
  String schemaName() {
    return schemaName;
  }

  /** How messages name the version: {@code has registry schema version 3}. */
  String versionName() {
    return schemaName + " version";
  }

  /**
   * The scripts, in order: version n is the n-th. Released scripts are never edited; a change to
   * the schema is a new script at the end, in both dialects' folders.
   */
  List<String> scripts() {
    return scripts;
  }

  int latest() {
    return scripts.size();
  }

  /** The classpath resource of one of this schema's scripts. */
  String resource(Dialect dialect, String script) {
    return dialect.scriptDirectory() + "/" + scriptFolder + script;
  }

  /**
   * The schema's tables: one of them without the version table means the database holds something
   * that is not Switchboard's, and it is refused rather than migrated over.
   */
  List<String> tables() {
    return tables;
  }

  /** Serialises processes migrating this schema in one PostgreSQL database at the same time. */
  long lockKey() {
    return lockKey;
  }

  /**
   * Whether several processes open it at once (the broker and {@code switchboard devices}): on
   * SQLite normal locking and a longer busy timeout, where the state file is locked exclusively.
   */
  boolean shared() {
    return shared;
  }

  /** Connections a PostgreSQL pool needs at most: the registry is read once a second. */
  int poolSize(int configured) {
    return Math.min(configured, maxPoolSize);
  }

  /** What to do about a damaged database of this schema. */
  String damagedAdvice() {
    return damagedAdvice;
  }
}
