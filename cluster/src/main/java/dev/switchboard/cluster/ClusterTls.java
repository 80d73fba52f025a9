package dev.switchboard.cluster;

import dev.switchboard.broker.transport.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * Checks the PEM files of TLS between nodes before the node starts, so that a file Pekko cannot use
 * stops the start with one line naming the setting, instead of every connection between nodes
 * failing later in the log. Pekko's {@code RotatingKeysSSLEngineProvider} reads an unencrypted RSA
 * key only (PKCS#8 {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}); each node is both server
 * and client of the others, so its certificate must allow both.
 */
final class ClusterTls {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private ClusterTls() {}

  /**
   * @throws IllegalArgumentException naming the setting ({@code cluster.tls.key: ...}) and what is
   *     wrong with its file
   */
  static void check(ClusterSettings.Tls tls) {
    X509Certificate certificate = certificates(tls.certificate(), "certificate").get(0);
    PrivateKey key = key(tls.key());
    if (!PemFiles.matches(key, certificate)) {
      throw invalid("key", tls.key(), "it is not the key of " + tls.certificate());
    }
    try {
      List<String> purposes = certificate.getExtendedKeyUsage();
      if (purposes != null && !(purposes.contains(SERVER_AUTH) && purposes.contains(CLIENT_AUTH))) {
        throw invalid(
            "certificate",
            tls.certificate(),
            "a node's certificate must allow both server and client authentication (extended key"
                + " usage serverAuth and clientAuth): each node connects to the others and is"
                + " connected to");
      }
    } catch (CertificateParsingException e) {
      throw invalid("certificate", tls.certificate(), e.getMessage());
    }
    certificates(tls.ca(), "ca");
  }

  private static List<X509Certificate> certificates(Path file, String setting) {
    try {
      return PemFiles.readCertificates(file);
    } catch (IOException e) {
      throw invalid(setting, file, message(e));
    }
  }

  private static PrivateKey key(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw invalid("key", file, message(e));
    }
    if (pem.contains("ENCRYPTED")) {
      throw invalid(
          "key", file, "an encrypted key cannot be used between nodes; give it unencrypted");
    }
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")
        && !pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      throw invalid(
          "key",
          file,
          "an RSA key is needed, as PEM \"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\" (PKCS#1)");
    }
    PrivateKey key;
    try {
      key = PemFiles.readPrivateKey(file, null);
    } catch (IOException e) {
      throw invalid("key", file, message(e));
    }
    if (!key.getAlgorithm().toUpperCase(Locale.ROOT).equals("RSA")) {
      throw invalid(
          "key",
          file,
          "an RSA key is needed (Pekko reads no other between nodes), not " + key.getAlgorithm());
    }
    return key;
  }

  private static String message(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static IllegalArgumentException invalid(String setting, Path file, String why) {
    return new IllegalArgumentException("cluster.tls." + setting + " (" + file + "): " + why);
  }
}
