package dev.switchboard.hub.testing;

import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.mqtt.packet.Subscription;
import java.util.Arrays;
import java.util.List;

/** Devices for tests, changed one field at a time. */
public final class Devices {
  private Devices() {}

  public static Device device(String clientId, String username, String passwordHash) {
    return Device.create(clientId, username, passwordHash, 0);
  }

  public static Device disabled(Device d) {
    return d.withEnabled(false);
  }

  public static Device strict(Device d) {
    return new Device(
        d.hub(),
        d.clientId(),
        d.username(),
        d.passwordHash(),
        d.enabled(),
        d.replacePolicy(),
        true,
        d.subscriptionsFrozen(),
        d.subscriptions(),
        d.allowedSources(),
        d.createdAt(),
        d.updatedAt());
  }

  public static Device rejectingTakeover(Device d) {
    return new Device(
        d.hub(),
        d.clientId(),
        d.username(),
        d.passwordHash(),
        d.enabled(),
        ReplacePolicy.REJECT,
        d.strictClientId(),
        d.subscriptionsFrozen(),
        d.subscriptions(),
        d.allowedSources(),
        d.createdAt(),
        d.updatedAt());
  }

  public static Device frozen(Device d, Subscription... subscriptions) {
    return new Device(
        d.hub(),
        d.clientId(),
        d.username(),
        d.passwordHash(),
        d.enabled(),
        d.replacePolicy(),
        d.strictClientId(),
        true,
        List.of(subscriptions),
        d.allowedSources(),
        d.createdAt(),
        d.updatedAt());
  }

  public static Device from(Device d, String... cidrs) {
    return new Device(
        d.hub(),
        d.clientId(),
        d.username(),
        d.passwordHash(),
        d.enabled(),
        d.replacePolicy(),
        d.strictClientId(),
        d.subscriptionsFrozen(),
        d.subscriptions(),
        Arrays.stream(cidrs).map(Cidr::parse).toList(),
        d.createdAt(),
        d.updatedAt());
  }
}
