package dev.switchboard.app;

import dev.switchboard.broker.transport.BoundListener;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What {@code switchboard lab} prints once everything runs: the handout's device table (client id,
 * user name, password, what each one is), the MQTT Dash settings, and where to look next.
 */
final class LabBanner {
  /** A simulated device's row. */
  record Row(String name, String firmware, String topics) {}

  private final PrintWriter out;

  LabBanner(PrintWriter out) {
    this.out = out;
  }

  void print(
      Map<String, String> passwords,
      BoundListener mqtt,
      BoundListener mqtts,
      String bind,
      Path deviceLog,
      List<Row> devices) {
    out.println();
    out.println(
        "Switchboard lab: the handout's hub, its devices and apps (Ctrl-C stops all of it)");
    out.println();
    out.printf("%-10s %-10s %-26s %s%n", "clientId", "user name", "password", "what it is");
    for (Row r : devices) {
      out.printf(
          "%-10s %-10s %-26s simulated ESP32 running %s: %s%n",
          r.name(), r.name(), passwords.get(r.name()), r.firmware(), r.topics());
    }
    for (String app : LabAccounts.APPS) {
      out.printf(
          "%-10s %-10s %-26s for MQTT Dash, mosquitto_sub, your own client%n",
          app, app, passwords.get(app));
    }
    out.println();
    String address = "0.0.0.0".equals(bind) ? lanAddress() : bind;
    out.println("MQTT Dash (a phone on this network; one app_N per phone):");
    out.printf("  address    %s%s%n", address, reachNote(bind));
    out.printf("  port       %d%n", mqtt.port());
    out.printf(
        "  TLS port   %s%n",
        mqtts == null ? "off" : mqtts.port() + " (self-signed: enable 'trust it at my own risk')");
    out.printf("  user name  app_1   password %s   client id app_1%n", passwords.get("app_1"));
    out.println();
    out.printf(
        "try:       mosquitto_sub -h 127.0.0.1 -p %d -i app_1 -u app_1 -P '%s' -t '#' -v%n",
        mqtt.port(), passwords.get("app_1"));
    out.printf(
        "devices:   their log in %s; passwords kept in %s%n",
        deviceLog, deviceLog.resolveSibling(LabAccounts.FILE_NAME));
    out.println("console:   not yet (planned: the web console and dashboard will be listed here)");
    out.println("the lab is running");
    out.flush();
  }

  private static String reachNote(String bind) {
    return "127.0.0.1".equals(bind) || "localhost".equals(bind)
        ? "   (this machine only: run with --bind 0.0.0.0 and use this machine's address, e.g. "
            + lanAddress()
            + ")"
        : "";
  }

  /** This machine's first site-local IPv4 address, or a placeholder. */
  private static String lanAddress() {
    try {
      for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!n.isUp() || n.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(n.getInetAddresses())) {
          if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through
    }
    return "<this machine's address>";
  }
}
