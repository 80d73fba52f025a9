package dev.switchboard.mqtt.packet;

/** One topic filter of a SUBSCRIBE with its subscription options (MQTT 5 section 3.8.3.1). */
public record Subscription(
    String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
  public Subscription(String filter, int qos) {
    this(filter, qos, false, false, 0);
  }
}
