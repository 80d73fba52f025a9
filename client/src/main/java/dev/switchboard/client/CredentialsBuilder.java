package dev.switchboard.client;

import java.util.function.Consumer;

/**
 * The {@code credentials} group of {@link MqttClientConfig#builder()}: user name, client id and
 * authentication; it makes a {@link MqttClientConfig.Credentials}.
 */
public final class CredentialsBuilder {
  String username;
  String clientId;
  boolean setNullClientId;
  final AuthenticationBuilder authentication = new AuthenticationBuilder();

  public CredentialsBuilder username(String username) {
    this.username = username;
    return this;
  }

  public CredentialsBuilder clientId(String clientId) {
    this.clientId = clientId;
    return this;
  }

  /** Send an empty client id (the broker assigns one); the client id set is then ignored. */
  public CredentialsBuilder setNullClientId(boolean on) {
    this.setNullClientId = on;
    return this;
  }

  public CredentialsBuilder authentication(Consumer<AuthenticationBuilder> group) {
    group.accept(authentication);
    return this;
  }
}
