package dev.switchboard.broker.session;

import dev.switchboard.broker.auth.ClientIdentity;
import java.net.SocketAddress;
import java.util.List;

/**
 * What a session holds at one moment, read on its own loop for administrators (the HTTP API's
 * clients and sessions): a copy, so that it may be read from any thread afterwards.
 *
 * @param hub its hub
 * @param clientId its client id
 * @param online whether a connection is attached; the connection's fields below are null or 0 when
 *     not
 * @param username the connection's user name
 * @param address the connection's remote address
 * @param listener the listener it came in on ({@code mqtt}, {@code mqtts}, {@code ws}, ...)
 * @param protocolVersion 3 (3.1), 4 (3.1.1) or 5; 0 when offline
 * @param keepAliveSeconds the keep alive in force; 0 when offline or none
 * @param connectedAtMillis when the connection attached (epoch milliseconds); 0 when offline
 * @param disconnectedAtMillis when the last connection ended; 0 while connected
 * @param expirySeconds its session expiry interval (0xFFFFFFFF: never)
 * @param persistent whether it is kept in the store
 * @param subscriptions its subscriptions
 * @param inflight QoS 1/2 messages sent and not yet acknowledged
 * @param queued messages waiting behind the in-flight window
 * @param queuedBytes their weight
 * @param drops messages dropped for it (queue full, offline QoS 0, expired, too large, mailbox
 *     full) since the session began on this server
 */
public record SessionSnapshot(
    String hub,
    String clientId,
    boolean online,
    String username,
    SocketAddress address,
    String listener,
    int protocolVersion,
    int keepAliveSeconds,
    long connectedAtMillis,
    long disconnectedAtMillis,
    long expirySeconds,
    boolean persistent,
    List<SubscriptionEntry> subscriptions,
    int inflight,
    int queued,
    long queuedBytes,
    long drops) {

  public SessionSnapshot {
    subscriptions = List.copyOf(subscriptions);
  }

  /** {@code session} now: on its loop ({@link Session#inspect()}). */
  static SessionSnapshot of(Session session) {
    SessionConnection conn = session.connection();
    ClientIdentity who = conn == null ? null : conn.identity();
    long disconnectedAt = session.disconnectedAtMillis();
    return new SessionSnapshot(
        session.hub(),
        session.clientId(),
        conn != null,
        who == null ? null : who.username(),
        who == null ? null : who.remoteAddress(),
        who == null ? null : who.listener(),
        conn == null ? 0 : conn.protocolLevel(),
        conn == null ? 0 : conn.keepAliveSeconds(),
        conn == null ? 0 : conn.connectedAtMillis(),
        conn != null || disconnectedAt < 0 ? 0 : disconnectedAt,
        session.expirySeconds(),
        session.isPersistent(),
        List.copyOf(session.subscriptions()),
        session.inflightCount(),
        session.queuedCount(),
        session.queuedBytes(),
        session.drops());
  }
}
