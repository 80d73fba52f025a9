package dev.switchboard.bench;

import dev.switchboard.mqtt.MqttVersion;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * What every generated client shares.
 *
 * @param username the user name every client logs in with; {@value #CLIENT_ID} in it stands for the
 *     client's own id, so that each client can log in as a device of its own
 * @param clientIdPrefix client ids are {@code prefix + role + index}
 * @param keepAlive seconds; the client pings at three quarters of it
 * @param sourceAddresses local addresses to connect from, in turn (empty: the system's choice)
 * @param insecure accept any server certificate (TLS)
 * @param caFile PEM file of the certificates to trust (TLS), or null for the JDK's
 */
public record ClientOptions(
    String username,
    String password,
    MqttVersion version,
    String clientIdPrefix,
    int keepAlive,
    List<InetAddress> sourceAddresses,
    boolean insecure,
    Path caFile) {

  /** In {@link #username}, the client's id. */
  public static final String CLIENT_ID = "%c";

  public ClientOptions {
    sourceAddresses = List.copyOf(sourceAddresses);
    if (version != MqttVersion.V3_1_1 && version != MqttVersion.V5) {
      throw new IllegalArgumentException("the generator speaks MQTT 3.1.1 and 5 only");
    }
    if (keepAlive < 0 || keepAlive > 65535) {
      throw new IllegalArgumentException("keep alive " + keepAlive + " is not between 0 and 65535");
    }
  }

  /** The user name the client {@code clientId} logs in with (null: none). */
  public String usernameOf(String clientId) {
    return username == null ? null : username.replace(CLIENT_ID, clientId);
  }

  public static ClientOptions defaults(String prefix) {
    return new ClientOptions(null, null, MqttVersion.V3_1_1, prefix, 300, List.of(), false, null);
  }

  public ClientOptions withVersion(MqttVersion version) {
    return new ClientOptions(
        username, password, version, clientIdPrefix, keepAlive, sourceAddresses, insecure, caFile);
  }

  public ClientOptions withPrefix(String prefix) {
    return new ClientOptions(
        username, password, version, prefix, keepAlive, sourceAddresses, insecure, caFile);
  }

  public ClientOptions withSourceAddresses(List<InetAddress> sources) {
    return new ClientOptions(
        username, password, version, clientIdPrefix, keepAlive, sources, insecure, caFile);
  }

  public ClientOptions withCredentials(String username, String password) {
    return new ClientOptions(
        username, password, version, clientIdPrefix, keepAlive, sourceAddresses, insecure, caFile);
  }
}
