package dev.switchboard.broker.auth;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a CONNECT may proceed. Called on the connection's event loop; an implementation
 * that blocks (password hashing, a database) must do that work elsewhere and complete the stage
 * later. The broker continues on the event loop when the stage completes.
 */
public interface Authenticator {

  /**
   * @param identity who connects (no principal yet)
   * @param password the CONNECT password, or null
   * @return a stage completing with the answer; completing exceptionally refuses the client with
   *     "server unavailable"
   */
  CompletionStage<AuthResult> authenticate(ClientIdentity identity, byte[] password);
}
