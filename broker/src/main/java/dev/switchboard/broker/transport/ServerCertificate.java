package dev.switchboard.broker.transport;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * The certificate the TLS listeners present, as the start banner and a dashboard that pins it need
 * to know it.
 *
 * @param file where it was read from
 * @param certificate the server's own certificate (the first of the chain)
 * @param sha256Fingerprint SHA-256 of its DER encoding, as {@code AB:CD:...}
 * @param selfSigned whether it is the generated self-signed certificate
 */
public record ServerCertificate(
    Path file, X509Certificate certificate, String sha256Fingerprint, boolean selfSigned) {}
