package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.message.Hubs;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.persist.StoredSubscription;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A store as schema version 1 (before hubs) left it, made with that version's own script, and what
 * a migrated store must make of it: everything in hub {@code default}, keyed per hub from then on.
 */
final class VersionOneState {
  private VersionOneState() {}

  static void create(Connection c, String dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : Migrations.statements("db/" + dialect + "/V1__init.sql")) {
        s.execute(sql);
      }
      s.execute(
          "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY,"
              + " description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      s.execute("INSERT INTO schema_version VALUES (1, 'V1__init.sql', 0)");
      s.execute(
          "INSERT INTO sessions (client_id, expiry_seconds, disconnected_at) VALUES ('s1', 60,"
              + " 5)");
      s.execute("INSERT INTO subscriptions VALUES ('s1', 'a/#', 1, FALSE, FALSE, 0, 0)");
      String blob = dialect.equals("sqlite") ? "X'0000000161'" : "'\\x0000000161'::bytea";
      String empty = dialect.equals("sqlite") ? "X''" : "''::bytea";
      s.execute(
          "INSERT INTO messages VALUES ('s1', 9, 'a/b', "
              + empty
              + ", 1, FALSE, NULL, 'p', 0, "
              + blob
              + ", FALSE, 0, 0)");
      s.execute("INSERT INTO awaiting_pubrel VALUES ('s1', 4)");
      s.execute("INSERT INTO retained VALUES ('status', " + empty + ", 0, TRUE, NULL, NULL, 0)");
    }
  }

  static void assertMigrated(SqlStore store) {
    assertThat(store.schemaVersion()).isEqualTo(Schema.STATE.latest());
    StoredState state = store.load();
    assertThat(state.sessions())
        .extracting(StoredSession::clientId, StoredSession::hub)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("s1", Hubs.DEFAULT));
    assertThat(state.subscriptions())
        .extracting(StoredSubscription::hub)
        .containsExactly("default");
    assertThat(state.messages()).extracting(QueuedMessage::seq).containsExactly(9L);
    assertThat(state.messages()).extracting(QueuedMessage::hub).containsExactly("default");
    assertThat(state.awaitingPubrel())
        .extracting(Change.AwaitPubrel::hub)
        .containsExactly("default");
    assertThat(state.retained()).extracting(StoredMessage::topic).containsExactly("status");
    // keyed per hub from now on: the same client id and topic in another hub are other rows
    store.apply(
        List.of(
            new Change.PutSession(new StoredSession("s1", 60, 5, null, "team3")),
            new Change.PutRetained(
                new StoredMessage("status", new byte[0], 0, true, null, null, 0, "team3"))));
    state = store.load();
    assertThat(state.sessions()).extracting(StoredSession::hub).containsExactly("default", "team3");
    assertThat(state.retained()).extracting(StoredMessage::hub).containsExactly("default", "team3");
  }
}
