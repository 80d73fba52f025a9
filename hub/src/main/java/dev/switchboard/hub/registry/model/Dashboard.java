package dev.switchboard.hub.registry.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A dashboard of the browser dashboard ({@code /dash}) kept on the server for a hub, so that a
 * class shares one: its tiles in MQTT Dash's own JSON, kept as the browser sent them (fields the
 * server does not know survive).
 *
 * @param hub the hub it belongs to
 * @param name its name, 1 to 64 of letters, digits, {@code .}, {@code _} and {@code -}: it is a
 *     path segment of its URL
 * @param metrics the tiles: a JSON array in MQTT Dash's export format, as text
 * @param scriptsAllowed whether its tiles' scripts may run (imported scripts stay off until a
 *     person allows them)
 * @param updatedBy who saved it last ({@code admin:alice}, {@code key:k_...})
 * @param createdAt when it was first saved, epoch milliseconds
 * @param updatedAt when it was saved last, epoch milliseconds
 */
public record Dashboard(
    String hub,
    String name,
    String metrics,
    boolean scriptsAllowed,
    String updatedBy,
    long createdAt,
    long updatedAt) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public Dashboard {
    RegistryValidation.hubName(hub);
    if (!isName(name)) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a dashboard name: 1 to 64 of letters, digits, '.', '_' and '-'");
    }
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(updatedBy, "updatedBy");
  }

  public static boolean isName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }
}
