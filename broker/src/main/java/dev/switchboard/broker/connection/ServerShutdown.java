package dev.switchboard.broker.connection;

/**
 * The user event the broker fires down a client channel's pipeline when it stops: the connection
 * sends DISCONNECT 0x8B (5.0) and closes. A channel whose pipeline has no connection yet (a
 * WebSocket upgrade under way) leaves {@link #wasHandled()} false, and the broker closes it itself.
 */
public final class ServerShutdown {
  private boolean handled;

  void handled() {
    this.handled = true;
  }

  /** Whether a connection took the event (on the channel's loop, after the fire returns). */
  public boolean wasHandled() {
    return handled;
  }
}
