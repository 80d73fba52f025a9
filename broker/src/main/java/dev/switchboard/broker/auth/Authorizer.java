package dev.switchboard.broker.auth;

/** Decides what an authenticated client may publish and subscribe to. Must not block. */
public interface Authorizer {
  Authorizer ALLOW_ALL =
      new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
          return true;
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String filter) {
          return true;
        }
      };

  boolean canPublish(ClientIdentity client, String topic);

  /**
   * Whether {@code client} may publish to {@code topic}, one of the broker's own ({@code $SYS} and
   * below), where it would forge the broker's figures: only when a rule says so explicitly, never
   * by default. The broker asks this instead of {@link #canPublish} for such topics.
   */
  default boolean canPublishSystemTopic(ClientIdentity client, String topic) {
    return false;
  }

  boolean canSubscribe(ClientIdentity client, String filter);

  /**
   * For a subscription {@link #canSubscribe} granted: the topics among those {@code filter} matches
   * that {@code client} may not receive, as a guard; null (the usual answer, and the default) when
   * it may receive every one. Asked once per SUBSCRIBE, and again for a session's subscriptions
   * when its client connects; the guard itself is asked per message.
   */
  default TopicGuard subscriptionGuard(ClientIdentity client, String filter) {
    return null;
  }
}
