package dev.switchboard.mqtt;

/** Quality of service levels, as the ints 0, 1 and 2 used on the wire. */
public final class MqttQos {
  public static final int AT_MOST_ONCE = 0;
  public static final int AT_LEAST_ONCE = 1;
  public static final int EXACTLY_ONCE = 2;

  private MqttQos() {}

  public static boolean isValid(int qos) {
    return qos >= 0 && qos <= 2;
  }
}
