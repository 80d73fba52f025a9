package dev.switchboard.bench;

/**
 * The ids a run gives its clients: {@code prefix + role + index}, numbered across the groups of
 * their role in the scenario's order (the subscribers of the first group first). Set-ups that
 * register the clients beforehand, as devices of a registry, name them with these.
 */
public final class ClientNames {
  private ClientNames() {}

  /** The {@code index}-th subscriber of the run, counted over every subscriber group. */
  public static String subscriber(String prefix, int index) {
    return prefix + "s" + index;
  }

  /** The {@code index}-th publisher of the run, counted over every publisher group. */
  public static String publisher(String prefix, int index) {
    return prefix + "p" + index;
  }

  /** The {@code index}-th idle connection of the run. */
  public static String idle(String prefix, int index) {
    return prefix + "c" + index;
  }
}
