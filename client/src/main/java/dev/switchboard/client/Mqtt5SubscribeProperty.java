package dev.switchboard.client;

import dev.switchboard.mqtt.packet.UserProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * MQTT 5 options and properties of one SUBSCRIBE: ESP-MQTT's {@code
 * esp_mqtt5_subscribe_property_config_t}. A share name turns every filter of the SUBSCRIBE into
 * {@code $share/<shareName>/<filter>}.
 */
public record Mqtt5SubscribeProperty(
    int subscribeId,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    String shareName,
    List<UserProperty> userProperties) {

  public Mqtt5SubscribeProperty {
    userProperties = List.copyOf(userProperties == null ? List.of() : userProperties);
    if (subscribeId < 0 || subscribeId > 268_435_455) {
      throw new IllegalArgumentException("subscription identifier must be 0..268435455");
    }
    if (retainHandling < 0 || retainHandling > 2) {
      throw new IllegalArgumentException("retain handling must be 0, 1 or 2: " + retainHandling);
    }
    if (shareName != null && (shareName.isEmpty() || shareName.matches(".*[/+#].*"))) {
      throw new IllegalArgumentException(
          "a share name must be non-empty and hold no '/', '+' or '#': " + shareName);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private int subscribeId;
    private boolean noLocal;
    private boolean retainAsPublished;
    private int retainHandling;
    private String shareName;
    private final List<UserProperty> userProperties = new ArrayList<>();

    public Builder subscribeId(int id) {
      this.subscribeId = id;
      return this;
    }

    public Builder noLocal(boolean on) {
      this.noLocal = on;
      return this;
    }

    public Builder retainAsPublished(boolean on) {
      this.retainAsPublished = on;
      return this;
    }

    public Builder retainHandling(int handling) {
      this.retainHandling = handling;
      return this;
    }

    public Builder shareName(String name) {
      this.shareName = name;
      return this;
    }

    public Builder userProperty(String key, String value) {
      userProperties.add(new UserProperty(key, value));
      return this;
    }

    public Mqtt5SubscribeProperty build() {
      return new Mqtt5SubscribeProperty(
          subscribeId, noLocal, retainAsPublished, retainHandling, shareName, userProperties);
    }
  }
}
