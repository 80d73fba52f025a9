package dev.switchboard.client;

/**
 * The {@code credentials.authentication} group of {@link MqttClientConfig#builder()}: the password,
 * and a client certificate and key for mutual TLS; it makes a {@link
 * MqttClientConfig.Authentication}.
 */
public final class AuthenticationBuilder {
  String password;
  String certificate;
  String key;
  String keyPassword;

  public AuthenticationBuilder password(String password) {
    this.password = password;
    return this;
  }

  /** The client certificate (chain), PEM text; needs {@link #key}. */
  public AuthenticationBuilder certificate(String pem) {
    this.certificate = pem;
    return this;
  }

  /** The client's private key, PEM text (PKCS#8, PKCS#1 or SEC1, encrypted or not). */
  public AuthenticationBuilder key(String pem) {
    this.key = pem;
    return this;
  }

  public AuthenticationBuilder keyPassword(String password) {
    this.keyPassword = password;
    return this;
  }
}
