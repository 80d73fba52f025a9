package dev.switchboard.broker.auth;

import dev.switchboard.mqtt.ReasonCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The authenticator of a broker with no registry: lets everyone in when anonymous access is on,
 * refuses everyone ("not authorized") when it is off.
 */
public final class AnonymousAuthenticator implements Authenticator {
  private static final CompletionStage<Integer> ACCEPT =
      CompletableFuture.completedFuture(ReasonCode.SUCCESS);
  private static final CompletionStage<Integer> REFUSE =
      CompletableFuture.completedFuture(ReasonCode.NOT_AUTHORIZED);

  private final boolean allowAnonymous;

  public AnonymousAuthenticator(boolean allowAnonymous) {
    this.allowAnonymous = allowAnonymous;
  }

  @Override
  public CompletionStage<Integer> authenticate(ClientIdentity identity, byte[] password) {
    return allowAnonymous ? ACCEPT : REFUSE;
  }
}
