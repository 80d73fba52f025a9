package dev.switchboard.client;

/**
 * The MQTT 5 properties set for the next publish, subscribe, unsubscribe or DISCONNECT only ({@code
 * esp_mqtt5_client_set_*_property}). A call that brings its own properties leaves the one-shot ones
 * for the next call. Guarded by the client's lock.
 */
final class NextProperties {
  private Mqtt5PublishProperty publish;
  private Mqtt5SubscribeProperty subscribe;
  private Mqtt5UnsubscribeProperty unsubscribe;
  private Mqtt5DisconnectProperty disconnect;

  void setPublish(Mqtt5PublishProperty property) {
    this.publish = property;
  }

  void setSubscribe(Mqtt5SubscribeProperty property) {
    this.subscribe = property;
  }

  void setUnsubscribe(Mqtt5UnsubscribeProperty property) {
    this.unsubscribe = property;
  }

  void setDisconnect(Mqtt5DisconnectProperty property) {
    this.disconnect = property;
  }

  /** {@code given} when not null, else the one-shot publish properties, used up. */
  Mqtt5PublishProperty publish(Mqtt5PublishProperty given) {
    if (given != null || publish == null) {
      return given;
    }
    Mqtt5PublishProperty p = publish;
    publish = null;
    return p;
  }

  /** {@code given} when not null, else the one-shot subscribe options, used up. */
  Mqtt5SubscribeProperty subscribe(Mqtt5SubscribeProperty given) {
    if (given != null || subscribe == null) {
      return given;
    }
    Mqtt5SubscribeProperty p = subscribe;
    subscribe = null;
    return p;
  }

  /** {@code given} when not null, else the one-shot unsubscribe properties, used up. */
  Mqtt5UnsubscribeProperty unsubscribe(Mqtt5UnsubscribeProperty given) {
    if (given != null || unsubscribe == null) {
      return given;
    }
    Mqtt5UnsubscribeProperty p = unsubscribe;
    unsubscribe = null;
    return p;
  }

  /** The properties for the DISCONNECT about to be sent, used up; null for none. */
  Mqtt5DisconnectProperty takeDisconnect() {
    Mqtt5DisconnectProperty p = disconnect;
    disconnect = null;
    return p;
  }
}
