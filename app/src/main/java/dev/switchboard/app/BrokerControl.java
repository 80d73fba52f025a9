package dev.switchboard.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.mqtt.ReasonCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker as the registry controls it. The registry is opened before the broker (the broker
 * takes the registry's authenticator), so this is handed to the registry first and bound to the
 * broker once the broker exists; until then there is no client to act on.
 */
final class BrokerControl implements ClientControl {
  private static final Logger log = LoggerFactory.getLogger(BrokerControl.class);

  private volatile Broker broker;

  /** From now on, acts on {@code running}. */
  void bind(Broker running) {
    this.broker = running;
  }

  @Override
  public void disconnect(Predicate<ClientIdentity> which, int reasonCode, String why) {
    Broker b = broker;
    if (b != null) {
      b.disconnect(which, reasonCode, why);
    }
  }

  @Override
  public CompletionStage<Void> discardHub(String hub, int reasonCode, String why) {
    Broker b = broker;
    return b == null ? CompletableFuture.completedFuture(null) : b.discardHub(hub, reasonCode, why);
  }

  /**
   * Discards what the broker restored of hubs that are no longer in the registry: removed while the
   * server was stopped, their sessions and retained messages stay in the store until now.
   *
   * @param exists whether the registry has a hub of that name
   */
  void discardRemovedHubs(Predicate<String> exists) {
    Broker b = broker;
    for (String hub : b.hubs()) {
      if (!exists.test(hub)) {
        log.info("hub {} is no longer in the registry: its stored state goes", hub);
        b.discardHub(hub, ReasonCode.NOT_AUTHORIZED, "hub removed").toCompletableFuture().join();
      }
    }
  }
}
