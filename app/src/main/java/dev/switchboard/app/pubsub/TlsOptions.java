package dev.switchboard.app.pubsub;

import dev.switchboard.client.MqttTransport;
import dev.switchboard.client.VerificationBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The TLS flags of pub and sub (--cafile, --capath, --tls-use-os-certs, --cert, --key, --insecure,
 * --tls-alpn): whom to trust, who this client is, and the files that say so.
 */
final class TlsOptions {
  @Option(
      names = "--cafile",
      paramLabel = "FILE",
      description = "PEM CA certificate(s) the broker's chain must lead to; turns TLS on.")
  Path cafile;

  @Option(
      names = "--capath",
      paramLabel = "DIR",
      description = "A directory of PEM CA certificates (*.crt, *.pem); turns TLS on.")
  Path capath;

  @Option(names = "--tls-use-os-certs", description = "TLS, trusting the JDK's CA certificates.")
  boolean tlsUseOsCerts;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "This client's PEM certificate, for brokers that ask for one.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "This client's PEM private key (unencrypted), with --cert.")
  Path key;

  @Option(
      names = "--insecure",
      description = "Do not check the broker's name in its certificate (its chain still is).")
  boolean insecure;

  @Option(
      names = "--tls-alpn",
      paramLabel = "PROTOCOL",
      description = "The protocol to offer by ALPN.")
  String tlsAlpn;

  /**
   * The PEM files' contents: the CA certificates (null: the JDK's), this client's certificate and
   * key.
   */
  record Pem(String certificates, String clientCertificate, String clientKey) {}

  /** Whether --cafile, --capath or --tls-use-os-certs is given: each turns TLS on. */
  boolean trustGiven() {
    return cafile != null || capath != null || tlsUseOsCerts;
  }

  /** Checks that the flags that need TLS have it, and that those that go together are together. */
  void checkFor(MqttTransport transport) throws UsageError {
    String needsTls =
        cert != null
            ? "--cert"
            : key != null
                ? "--key"
                : insecure ? "--insecure" : tlsAlpn != null ? "--tls-alpn" : null;
    if (needsTls != null && !transport.isTls()) {
      throw new UsageError(
          needsTls
              + " needs TLS: give --cafile, --capath or --tls-use-os-certs, or an mqtts:// or"
              + " wss:// URL.");
    }
    if ((cert == null) != (key == null)) {
      throw new UsageError("--cert and --key go together: give both.");
    }
    if (tlsUseOsCerts && (cafile != null || capath != null)) {
      throw new UsageError(
          "--tls-use-os-certs trusts the JDK's CAs and --cafile/--capath only theirs; give one.");
    }
  }

  /** Reads the PEM files the flags name. */
  Pem read() throws UsageError {
    String caPem = readCertificates();
    String certPem = cert == null ? null : read(cert, "--cert");
    String keyPem = key == null ? null : read(key, "--key");
    return new Pem(caPem, certPem, keyPem);
  }

  /** How the client checks the broker's certificate: {@code caPem}'s CAs, its name, ALPN. */
  void applyTo(VerificationBuilder v, String caPem) {
    if (caPem != null) {
      v.certificate(caPem);
    }
    if (insecure) {
      v.skipCertCommonNameCheck(true);
    }
    if (tlsAlpn != null) {
      v.alpnProtos(tlsAlpn.split(","));
    }
  }

  private String readCertificates() throws UsageError {
    StringBuilder pem = new StringBuilder();
    if (cafile != null) {
      pem.append(read(cafile, "--cafile")).append('\n');
    }
    if (capath != null) {
      List<Path> files;
      try (Stream<Path> s = Files.list(capath)) {
        files =
            s.filter(Files::isRegularFile)
                .filter(f -> f.toString().endsWith(".crt") || f.toString().endsWith(".pem"))
                .sorted()
                .toList();
      } catch (IOException e) {
        throw new UsageError(
            "Problem setting TLS options: cannot read --capath "
                + capath
                + " ("
                + IoErrors.why(e)
                + ").");
      }
      if (files.isEmpty()) {
        throw new UsageError(
            "Problem setting TLS options: no *.crt or *.pem files in --capath " + capath + ".");
      }
      for (Path f : files) {
        pem.append(read(f, "--capath")).append('\n');
      }
    }
    return pem.isEmpty() ? null : pem.toString();
  }

  private static String read(Path file, String flag) throws UsageError {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UsageError(
          "Problem setting TLS options: cannot read "
              + flag
              + " "
              + file
              + " ("
              + IoErrors.why(e)
              + ").");
    }
  }
}
