package dev.switchboard.app.pubsub;

import dev.switchboard.client.MqttErrorCodes;
import dev.switchboard.client.MqttErrorType;
import java.net.UnknownHostException;
import java.util.List;

/** What to print and exit with when the first connection fails, as mosquitto's tools do. */
record ConnectFailure(List<String> lines, int code) {

  /**
   * The message and exit code for an ERROR before the connection is up: a refused CONNACK exits
   * with its code; a connection that cannot be made exits 1; one that is lost before CONNACK, 7.
   */
  static ConnectFailure of(MqttErrorCodes e, boolean v5) {
    if (e.errorType() == MqttErrorType.CONNECTION_REFUSED) {
      int code = e.connectReasonCode();
      String why =
          v5
              ? ReasonStrings.reasonString(code)
                  + (code == 0x84
                      ? ". Try connecting to an MQTT v5 broker, or use MQTT v3.x mode."
                      : "")
              : ReasonStrings.connackString(code);
      return new ConnectFailure(List.of("Connection error: " + why), code);
    }
    if (e.tlsFailure() != null) {
      return failed("Unable to connect (A TLS error occurred.).");
    }
    for (Throwable t = e.cause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException) {
        return failed("Unable to connect (Lookup error.).");
      }
    }
    String message = e.message() == null ? "" : e.message();
    if (message.startsWith("WebSocket handshake")) {
      return failed("Error: " + message);
    }
    return switch (e.sockErrno()) {
      case 101 -> failed("Error: Network is unreachable");
      case 110 -> failed("Error: Connection timed out");
      case 111 -> failed("Error: Connection refused");
      case 113 -> failed("Error: No route to host");
      default ->
          new ConnectFailure(List.of("Error: The connection was lost."), ExitCodes.CONNECTION_LOST);
    };
  }

  private static ConnectFailure failed(String line) {
    return new ConnectFailure(List.of(line), ExitCodes.FAILED);
  }
}
