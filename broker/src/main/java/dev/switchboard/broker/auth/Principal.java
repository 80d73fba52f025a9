package dev.switchboard.broker.auth;

import dev.switchboard.mqtt.packet.Subscription;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link Authenticator} made of a client it let in: the name it goes by and the per-client
 * policies the broker itself enforces.
 *
 * @param hub the hub (tenant) the client belongs to: its topics, sessions and limits are that
 *     hub's; {@link #DEFAULT_HUB} on a server with one hub
 * @param username the user name the client acts as (from CONNECT, a token or a certificate); may be
 *     null for an anonymous client
 * @param access what the {@link Authorizer} needs to decide for this client (its rules, say);
 *     opaque to the broker, null when the authorizer needs nothing
 * @param rejectTakeover when true, a connection with this client id is refused ("identifier
 *     rejected") while another with the same id is alive, instead of taking over its session
 * @param fixedSubscriptions when not null, the client's subscriptions are exactly these: they are
 *     set whenever it connects, and its own SUBSCRIBE and UNSUBSCRIBE are refused
 * @param quota what its hub may use of the broker; {@link Quota#NONE} for no limits of its own
 * @param budget what it may still receive, charged per message handed to its session; null for no
 *     limit (the delivery path then costs nothing more)
 */
public record Principal(
    String hub,
    String username,
    Object access,
    boolean rejectTakeover,
    List<Subscription> fixedSubscriptions,
    Quota quota,
    DeliveryBudget budget) {

  /** The hub of a server that has only one, and of every client no hub was chosen for. */
  public static final String DEFAULT_HUB = "default";

  public Principal {
    Objects.requireNonNull(hub, "hub");
    fixedSubscriptions = fixedSubscriptions == null ? null : List.copyOf(fixedSubscriptions);
    quota = quota == null ? Quota.NONE : quota;
  }

  /** A client of {@code hub} without a delivery budget. */
  public Principal(
      String hub,
      String username,
      Object access,
      boolean rejectTakeover,
      List<Subscription> fixedSubscriptions,
      Quota quota) {
    this(hub, username, access, rejectTakeover, fixedSubscriptions, quota, null);
  }

  /** A client of {@code hub} without limits of its hub's own. */
  public Principal(
      String hub,
      String username,
      Object access,
      boolean rejectTakeover,
      List<Subscription> fixedSubscriptions) {
    this(hub, username, access, rejectTakeover, fixedSubscriptions, Quota.NONE);
  }

  /** A client of the {@link #DEFAULT_HUB default hub}. */
  public Principal(
      String username,
      Object access,
      boolean rejectTakeover,
      List<Subscription> fixedSubscriptions) {
    this(DEFAULT_HUB, username, access, rejectTakeover, fixedSubscriptions);
  }

  /** A client with no policies of its own. */
  public static Principal of(String username) {
    return new Principal(username, null, false, null);
  }
}
