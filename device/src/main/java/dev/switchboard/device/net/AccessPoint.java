package dev.switchboard.device.net;

/** A simulated access point: what a station's SSID and password are checked against. */
public record AccessPoint(String ssid, String password, int channel) {
  public AccessPoint(String ssid, String password) {
    this(ssid, password, 6);
  }
}
