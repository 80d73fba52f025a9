package dev.switchboard.broker.message;

/**
 * The hub (tenant) names the engine needs: a server holds one or more hubs, each with its own topic
 * space, retained messages and sessions. A single-user install uses {@link #DEFAULT} only.
 */
public final class Hubs {
  /**
   * The hub of a server that has only one, and of every client and message no hub was chosen for.
   * The same constant as {@code auth.Principal.DEFAULT_HUB}.
   */
  public static final String DEFAULT = "default";

  private Hubs() {}

  /**
   * Whether {@code hub} is the default hub (null counts as it): first by identity, which is what
   * the publish path meets, the constant itself.
   */
  public static boolean isDefault(String hub) {
    return hub == DEFAULT || hub == null || DEFAULT.equals(hub);
  }
}
