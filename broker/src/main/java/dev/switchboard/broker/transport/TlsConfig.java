package dev.switchboard.broker.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The TLS settings every TLS listener (MQTTS, WSS) shares.
 *
 * @param certificate PEM file with the server certificate, then its intermediates; null to use a
 *     self-signed certificate generated in {@code generatedDirectory}
 * @param key PEM file with the certificate's private key (PKCS#8, PKCS#1 or SEC1, encrypted or
 *     not); null exactly when {@code certificate} is
 * @param keyPassword the key file's password; null or empty when it is not encrypted
 * @param clientCa PEM file with the CA certificates client certificates must chain to; null when no
 *     listener asks for client certificates
 * @param provider which TLS implementation to use
 * @param handshakeTimeout how long a client has to complete the TLS handshake
 * @param reloadInterval how often the files' modification times are checked, to load new ones; zero
 *     for never
 * @param generatedDirectory where the self-signed certificate is made and kept when {@code
 *     certificate} is null; null for no self-signed certificate
 */
public record TlsConfig(
    Path certificate,
    Path key,
    String keyPassword,
    Path clientCa,
    Provider provider,
    Duration handshakeTimeout,
    Duration reloadInterval,
    Path generatedDirectory) {

  /** Which TLS implementation serves the listeners. */
  public enum Provider {
    /** OpenSSL (BoringSSL, from netty-tcnative) where it loads, else the JDK's. */
    AUTO,
    /** OpenSSL (BoringSSL); refusing to start where it does not load. */
    OPENSSL,
    /** The JDK's own TLS. */
    JDK;

    /** {@code auto}, {@code openssl} or {@code jdk}; null for anything else. */
    public static Provider parse(String text) {
      for (Provider p : values()) {
        if (p.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
          return p;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public TlsConfig {
    provider = provider == null ? Provider.AUTO : provider;
    handshakeTimeout = handshakeTimeout == null ? Duration.ofSeconds(10) : handshakeTimeout;
    reloadInterval = reloadInterval == null ? Duration.ofSeconds(10) : reloadInterval;
    keyPassword = keyPassword == null || keyPassword.isEmpty() ? null : keyPassword;
  }

  /** No certificate and nowhere to generate one: a broker with a TLS listener refuses to start. */
  public static TlsConfig none() {
    return new TlsConfig(null, null, null, null, Provider.AUTO, null, null, null);
  }

  /** A self-signed certificate, generated once into {@code directory} and reused. */
  public static TlsConfig selfSigned(Path directory) {
    return new TlsConfig(null, null, null, null, Provider.AUTO, null, null, directory);
  }

  /** The certificate chain and key in these PEM files. */
  public static TlsConfig files(Path certificate, Path key) {
    return new TlsConfig(certificate, key, null, null, Provider.AUTO, null, null, null);
  }

  public TlsConfig withKeyPassword(String password) {
    return new TlsConfig(
        certificate,
        key,
        password,
        clientCa,
        provider,
        handshakeTimeout,
        reloadInterval,
        generatedDirectory);
  }

  public TlsConfig withClientCa(Path file) {
    return new TlsConfig(
        certificate,
        key,
        keyPassword,
        file,
        provider,
        handshakeTimeout,
        reloadInterval,
        generatedDirectory);
  }

  public TlsConfig withProvider(Provider p) {
    return new TlsConfig(
        certificate,
        key,
        keyPassword,
        clientCa,
        p,
        handshakeTimeout,
        reloadInterval,
        generatedDirectory);
  }

  public TlsConfig withHandshakeTimeout(Duration timeout) {
    return new TlsConfig(
        certificate,
        key,
        keyPassword,
        clientCa,
        provider,
        timeout,
        reloadInterval,
        generatedDirectory);
  }

  public TlsConfig withReloadInterval(Duration interval) {
    return new TlsConfig(
        certificate,
        key,
        keyPassword,
        clientCa,
        provider,
        handshakeTimeout,
        interval,
        generatedDirectory);
  }

  public TlsConfig withGeneratedDirectory(Path directory) {
    return new TlsConfig(
        certificate,
        key,
        keyPassword,
        clientCa,
        provider,
        handshakeTimeout,
        reloadInterval,
        directory);
  }

  /** Whether the certificate is the generated self-signed one. */
  public boolean selfSigned() {
    return certificate == null;
  }

  /**
   * Checks what can be checked without reading files; throws IllegalArgumentException naming the
   * setting as {@code tls.KEY}.
   */
  public void validate() {
    if ((certificate == null) != (key == null)) {
      throw new IllegalArgumentException(
          certificate == null
              ? "tls.certificate is not set, but tls.key is: set both, or neither for a"
                  + " self-signed certificate"
              : "tls.key is not set, but tls.certificate is: set both, or neither for a"
                  + " self-signed certificate");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "tls.handshake-timeout must be above 0, not " + handshakeTimeout);
    }
    if (reloadInterval.isNegative()) {
      throw new IllegalArgumentException(
          "tls.reload-interval must not be negative, not " + reloadInterval);
    }
  }
}
