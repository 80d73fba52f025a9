package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.StoreException;
import dev.switchboard.broker.persist.StoreException.Kind;
import dev.switchboard.store.testing.PostgresServer;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PostgreSQL failures come back as one line of the right kind, never with the password. */
class PostgresFailureTest {
  static PostgresServer postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresServer.startOrSkip();
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static void assertUnavailable(StoreConfig config, String... parts) {
    assertThatThrownBy(() -> Stores.open(config).close())
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE)
        .hasMessageStartingWith("store " + config.where())
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n");
              if (config.postgresPassword() != null) {
                assertThat(e.getMessage()).doesNotContain(config.postgresPassword());
              }
              for (String part : parts) {
                assertThat(e.getMessage()).contains(part);
              }
            });
  }

  @Test
  void aWrongPasswordIsUnavailableAndNotPrinted() {
    assertUnavailable(
        StoreConfig.postgresql(postgres.jdbcUrl(), postgres.user(), "wrong-secret-42", 1),
        "refused user 'switchboard'",
        "password authentication failed");
  }

  @Test
  void nobodyListeningIsUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertUnavailable(
        StoreConfig.postgresql(
            "jdbc:postgresql://127.0.0.1:" + port + "/switchboard", "u", "secret-pw", 1),
        "cannot be reached");
  }

  @Test
  void aMissingDatabaseIsUnavailable() {
    String url = postgres.jdbcUrl().replace("/switchboard", "/nosuchdb");
    assertUnavailable(
        StoreConfig.postgresql(url, postgres.user(), postgres.password(), 1), "nosuchdb");
  }

  @Test
  void aPasswordInTheUrlIsNotPrinted() {
    String url = postgres.jdbcUrl() + "?user=switchboard&password=";
    StoreConfig right = StoreConfig.postgresql(url + postgres.password(), "", "", 1);
    assertThat(right.where()).doesNotContain(postgres.password());
    assertThat(right.toString()).doesNotContain(postgres.password());
    try (SqlStore s = Stores.open(right)) {
      assertThat(s.describe()).doesNotContain(postgres.password());
    }
    assertUnavailable(StoreConfig.postgresql(url + "wrong-in-url-77", null, null, 1));
    assertThatThrownBy(
            () -> Stores.open(StoreConfig.postgresql(url + "wrong-in-url-77", null, null, 1)))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-in-url-77"));
  }

  @Test
  void aNewerSchemaIsIncompatible() {
    StoreConfig config =
        StoreConfig.postgresql(postgres.newDatabase(), postgres.user(), postgres.password(), 1);
    try (SqlStore s = Stores.open(config)) {
      s.inTransaction(
          c ->
              c.createStatement()
                  .executeUpdate(
                      "INSERT INTO schema_version (version, description, applied_at)"
                          + " VALUES (42, 'V42__future.sql', 0)"));
    }
    assertThatThrownBy(() -> Stores.open(config).close())
        .isInstanceOf(StoreException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.INCOMPATIBLE)
        .hasMessageContaining("schema version 42");
    assertThat(StoreTool.check(config).ok()).isFalse();
  }

  @Test
  void checkAndRepairDealWithRowsNoSessionOwns() {
    StoreConfig config =
        StoreConfig.postgresql(postgres.newDatabase(), postgres.user(), postgres.password(), 1);
    try (SqlStore s = Stores.open(config)) {
      s.apply(
          List.of(
              new Change.PutSession(Fixtures.session("kept")),
              Fixtures.put("kept", 1),
              Fixtures.put("gone", 1),
              Fixtures.put("gone", 2),
              new Change.AwaitPubrel("gone", 9)));
    }

    CheckReport check = StoreTool.check(config);
    assertThat(check.ok()).isTrue();
    assertThat(check.schemaVersion()).isEqualTo(Schema.STATE.latest());
    assertThat(check.rowCounts()).containsEntry("messages", 3L).containsEntry("sessions", 1L);
    assertThat(check.notes()).hasSize(2);

    RepairReport repair = StoreTool.repair(config);
    assertThat(repair.damaged()).isFalse();
    assertThat(repair.orphansDeleted())
        .containsEntry("messages", 2L)
        .containsEntry("awaiting_pubrel", 1L)
        .containsEntry("subscriptions", 0L);
    assertThat(StoreTool.check(config).notes()).isEmpty();
  }

  @Test
  void aServerThatGoesAwayFailsApplyAsUnavailableAndRollsNothingIn() {
    try (PostgresServer own = PostgresServer.start()) {
      StoreConfig config = StoreConfig.postgresql(own.jdbcUrl(), own.user(), own.password(), 1);
      SqlStore s = Stores.open(config);
      try {
        s.apply(List.of(Fixtures.put("a", 1)));
        own.close();

        assertThatThrownBy(() -> s.apply(List.of(Fixtures.put("a", 2))))
            .isInstanceOf(StoreException.class)
            .hasFieldOrPropertyWithValue("kind", Kind.UNAVAILABLE)
            .hasMessageStartingWith("store " + config.where());
      } finally {
        s.close();
      }
    }
  }
}
