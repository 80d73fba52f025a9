package dev.switchboard.client;

import java.util.List;

/**
 * The {@code broker.verification} group of {@link MqttClientConfig#builder()}: how the broker's
 * certificate is checked; it makes a {@link MqttClientConfig.Verification}.
 */
public final class VerificationBuilder {
  String certificate;
  boolean skipCertCommonNameCheck;
  String commonName;
  List<String> alpnProtos = List.of();

  /** The CA certificate(s), PEM text. */
  public VerificationBuilder certificate(String pem) {
    this.certificate = pem;
    return this;
  }

  public VerificationBuilder skipCertCommonNameCheck(boolean skip) {
    this.skipCertCommonNameCheck = skip;
    return this;
  }

  public VerificationBuilder commonName(String name) {
    this.commonName = name;
    return this;
  }

  public VerificationBuilder alpnProtos(String... protocols) {
    this.alpnProtos = List.of(protocols);
    return this;
  }
}
