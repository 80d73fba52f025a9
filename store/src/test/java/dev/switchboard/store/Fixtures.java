package dev.switchboard.store;

import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.persist.StoredSession;
import dev.switchboard.broker.persist.StoredSubscription;
import dev.switchboard.broker.persist.StoredWill;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Stored records for tests, with every field set to something that would show a mix-up. */
final class Fixtures {
  private Fixtures() {}

  static StoredMessage message(String topic, String payload) {
    return new StoredMessage(
        topic,
        payload.getBytes(StandardCharsets.UTF_8),
        1,
        false,
        new byte[] {1, 2, 3},
        "publisher-" + topic,
        1_700_000_000_000L);
  }

  static QueuedMessage queued(String clientId, long seq) {
    return new QueuedMessage(
        clientId,
        seq,
        message("t/" + clientId + "/" + seq, "payload " + seq),
        List.of("t/#", "t/+/" + seq),
        false,
        0,
        QueuedMessage.QUEUED);
  }

  static StoredSession session(String clientId) {
    return new StoredSession(clientId, 3600, 1_700_000_000_123L, null);
  }

  static StoredSession sessionWithWill(String clientId) {
    StoredMessage will =
        new StoredMessage("will/" + clientId, new byte[] {0, 1, 2}, 2, true, null, clientId, 0);
    return new StoredSession(clientId, 0xFFFFFFFFL, -1, new StoredWill(will, 30, 600));
  }

  static StoredSubscription subscription(String clientId, String filter) {
    return new StoredSubscription(clientId, filter, 2, true, false, 1, 7);
  }

  static Change.PutMessage put(String clientId, long seq) {
    return new Change.PutMessage(queued(clientId, seq));
  }

  /** Puts of {@code count} 64-byte messages spread over {@code clients} clients. */
  static List<Change> putMessages(int count, int clients, long firstSeq) {
    List<Change> changes = new ArrayList<>(count);
    byte[] payload = new byte[64];
    for (int i = 0; i < count; i++) {
      String client = "client-" + (i % clients);
      StoredMessage m = new StoredMessage("sensors/" + i, payload, 1, false, null, "pub", 0);
      changes.add(
          new Change.PutMessage(
              new QueuedMessage(
                  client, firstSeq + i, m, List.of("sensors/#"), false, 0, QueuedMessage.QUEUED)));
    }
    return changes;
  }
}
