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

  boolean canSubscribe(ClientIdentity client, String filter);
}
