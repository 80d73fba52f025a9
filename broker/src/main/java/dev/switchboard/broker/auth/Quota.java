package dev.switchboard.broker.auth;

/**
 * What a client's hub may use of the broker (a MyQttHub plan), as its {@link Principal} carries it
 * from the authenticator; zero means no limit of the hub's own (the broker's limits still apply).
 * The broker enforces each: a CONNECT past {@link #connections} is refused (Quota exceeded 0x97 in
 * 5.0, Server unavailable in 3.1.1); a PUBLISH whose payload is over {@link #messageSize} ends the
 * connection (Packet too large 0x95 in 5.0); a new retained topic past {@link #retainedMessages} is
 * refused (0x97) and the message is not retained. Each refusal is a log line and a count of the
 * hub's.
 *
 * @param connections connections of the hub at once
 * @param messageSize bytes of one PUBLISH's payload
 * @param retainedMessages retained topics of the hub (its {@code $SYS} ones not counted)
 * @param queuedMessages messages queued for one session of the hub
 */
public record Quota(int connections, int messageSize, int retainedMessages, int queuedMessages) {
  /** No limit of the hub's own. */
  public static final Quota NONE = new Quota(0, 0, 0, 0);
}
