package dev.switchboard.mqtt;

/** The protocol versions Switchboard speaks, with the protocol name and level CONNECT carries. */
public enum MqttVersion {
  V3_1("MQIsdp", 3),
  V3_1_1("MQTT", 4),
  V5("MQTT", 5);

  private final String protocolName;
  private final int level;

  MqttVersion(String protocolName, int level) {
    this.protocolName = protocolName;
    this.level = level;
  }

  public String protocolName() {
    return protocolName;
  }

  public int level() {
    return level;
  }

  public boolean isV5() {
    return this == V5;
  }

  /** The version for a CONNECT's protocol level, or null when the level is not one we speak. */
  public static MqttVersion fromLevel(int level) {
    return switch (level) {
      case 3 -> V3_1;
      case 4 -> V3_1_1;
      case 5 -> V5;
      default -> null;
    };
  }
}
