package dev.switchboard.broker.auth;

import dev.switchboard.mqtt.ReasonCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The authenticator of a broker with no registry: lets everyone in, under the user name they gave,
 * when anonymous access is on; refuses everyone ("not authorized") when it is off.
 */
public final class AnonymousAuthenticator implements Authenticator {
  private static final CompletionStage<AuthResult> REFUSE =
      CompletableFuture.completedFuture(
          AuthResult.refuse(ReasonCode.NOT_AUTHORIZED, "anonymous access is off"));

  private final boolean allowAnonymous;

  public AnonymousAuthenticator(boolean allowAnonymous) {
    this.allowAnonymous = allowAnonymous;
  }

  @Override
  public CompletionStage<AuthResult> authenticate(ClientIdentity identity, byte[] password) {
    return allowAnonymous
        ? CompletableFuture.completedFuture(AuthResult.accept(Principal.of(identity.username())))
        : REFUSE;
  }
}
