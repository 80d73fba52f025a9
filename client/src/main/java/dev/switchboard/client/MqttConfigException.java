package dev.switchboard.client;

/** A configuration that cannot work: a value out of range, or groups that conflict. */
public final class MqttConfigException extends IllegalArgumentException {
  public MqttConfigException(String message) {
    super(message);
  }
}
