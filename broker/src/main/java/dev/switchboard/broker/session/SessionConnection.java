package dev.switchboard.broker.session;

import dev.switchboard.broker.auth.ClientIdentity;
import io.netty.channel.EventLoop;

/** What a session needs of the network connection it is attached to. Called on its event loop. */
public interface SessionConnection {
  /**
   * The {@link #protocolLevel()} of a client that is not on MQTT but on the HTTP device API (shown
   * as {@code http} to administrators).
   */
  int HTTP_PROTOCOL_LEVEL = 0x100;

  EventLoop eventLoop();

  boolean isActive();

  /** Whether the socket can take more without buffering past the high-water mark. */
  boolean isWritable();

  /** QoS 1/2 messages that may be in flight to the client at once. */
  int sendQuota();

  /**
   * Writes a PUBLISH for {@code outbound} (packet id already set for QoS 1/2). Returns false, and
   * writes nothing, when the packet would exceed the client's Maximum Packet Size.
   */
  boolean sendPublish(Outbound outbound, boolean dup);

  void sendPubRel(int packetId);

  /** The session is attached: send CONNACK, then the session resends what was in flight. */
  void attached(Session session, boolean sessionPresent);

  /**
   * The session has re-sent what was in flight: handle the packets the client sent before the
   * CONNACK, and read on.
   */
  void ready();

  /** Another connection took the session over: DISCONNECT 0x8E (5.0) and close. */
  void takenOver();

  /**
   * Whether this (new) connection must be refused, rather than take over, while another connection
   * with its client id is alive: its principal's policy.
   */
  boolean rejectsTakeover();

  /**
   * Refuses this connection with "identifier rejected" (0x85; 3.1.1 return code 2): its client id
   * is in use. May be called from any thread.
   */
  void identifierRejected();

  /** Who is connected, once authenticated. */
  ClientIdentity identity();

  /**
   * Ends the connection from the server's side (an administrator's decision): DISCONNECT with
   * {@code reasonCode} in 5.0, then close; the Will is published as for any loss. On its loop.
   */
  void disconnect(int reasonCode, String why);

  /** Session's expiry interval requested by this connection, in seconds (0xFFFFFFFF never). */
  long sessionExpiry();

  /** The Will this connection's CONNECT carried, or null. */
  PendingWill will();

  /** Whether the client speaks MQTT 5.0 (its will follows 5.0's rules, Will Delay included). */
  default boolean isMqtt5() {
    return false;
  }

  /**
   * The protocol level the client connected with: 3 (3.1), 4 (3.1.1) or 5, or {@link
   * #HTTP_PROTOCOL_LEVEL}. For administrators.
   */
  default int protocolLevel() {
    return isMqtt5() ? 5 : 4;
  }

  /** The keep alive in force, in seconds (0: none). For administrators. */
  default int keepAliveSeconds() {
    return 0;
  }

  /** When the connection was attached to its session, in epoch milliseconds; 0 if unknown. */
  default long connectedAtMillis() {
    return 0;
  }
}
