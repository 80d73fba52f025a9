package dev.switchboard.broker.transport;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate a broker uses when none is configured: made once for the host's names ({@code
 * localhost}, the host name, 127.0.0.1, ::1) into a directory, and reused on later starts so that a
 * client that chose to trust it (by its file or by its fingerprint) goes on trusting it. A new one
 * is made only when the files are missing, damaged or expired.
 *
 * @param certificateFile the certificate (PEM)
 * @param keyFile its private key (PEM, PKCS#8, mode 600)
 * @param certificate the certificate itself
 * @param created whether this start made it
 */
public record SelfSignedCertificate(
    Path certificateFile, Path keyFile, X509Certificate certificate, boolean created) {
  private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificate.class);

  public static final String CERTIFICATE_FILE = "self-signed.crt";
  public static final String KEY_FILE = "self-signed.key";

  /**
   * Apple's platforms refuse TLS server certificates valid for longer, and a browser dashboard may
   * run on one.
   */
  static final Duration VALIDITY = Duration.ofDays(825);

  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  /** The certificate in {@code directory}, made first if there is no usable one. */
  public static SelfSignedCertificate loadOrCreate(Path directory) throws IOException {
    Path cert = directory.resolve(CERTIFICATE_FILE);
    Path key = directory.resolve(KEY_FILE);
    if (Files.exists(cert) && Files.exists(key)) {
      String problem;
      try {
        X509Certificate c = PemFiles.readCertificates(cert).get(0);
        PrivateKey k = PemFiles.readPrivateKey(key, null);
        if (!PemFiles.matches(k, c)) {
          problem = "its key does not match it";
        } else if (c.getNotAfter().toInstant().isBefore(Instant.now())) {
          problem = "it expired on " + c.getNotAfter().toInstant();
        } else {
          return new SelfSignedCertificate(cert, key, c, false);
        }
      } catch (IOException e) {
        problem = e.getMessage();
      }
      log.warn(
          "the self-signed certificate in {} cannot be used ({}); making a new one",
          directory,
          problem);
    }
    return create(directory, hostNames());
  }

  /** Makes a new certificate for {@code names} (DNS names and IP literals) in {@code directory}. */
  static SelfSignedCertificate create(Path directory, List<String> names) throws IOException {
    if (!Files.isDirectory(directory)) {
      try {
        Files.createDirectories(
            directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(directory);
      }
    }
    X509Certificate certificate;
    KeyPair pair;
    try {
      // P-256: fast to make and to use, and every TLS stack in use (browsers, Android, ESP-IDF's
      // mbedTLS, OpenSSL, the JDK) speaks ECDSA with it
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      pair = generator.generateKeyPair();
      certificate = sign(pair, names);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
    Path cert = directory.resolve(CERTIFICATE_FILE);
    Path key = directory.resolve(KEY_FILE);
    // the key first: a certificate file without its key would be of no use
    PemFiles.writePrivateKey(key, pair.getPrivate());
    PemFiles.writeCertificate(cert, certificate);
    log.info(
        "made a self-signed certificate {} for {} (SHA-256 fingerprint {})",
        cert,
        String.join(", ", names),
        PemFiles.sha256Fingerprint(certificate));
    return new SelfSignedCertificate(cert, key, certificate, true);
  }

  private static X509Certificate sign(KeyPair pair, List<String> names)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    subject.addRDN(BCStyle.O, "Switchboard");
    // the host's own name when it has one (names: localhost, [host name], addresses)
    String cn =
        names.size() > 1 && names.get(1).chars().anyMatch(Character::isLetter)
            ? names.get(1)
            : names.get(0);
    subject.addRDN(BCStyle.CN, cn);
    X500Name name = subject.build();
    Instant now = Instant.now();
    byte[] serial = new byte[16];
    new SecureRandom().nextBytes(serial);
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(1, serial),
            Date.from(now.minus(Duration.ofHours(1))), // a client clock a little behind
            Date.from(now.plus(VALIDITY)),
            name,
            pair.getPublic());
    List<GeneralName> alt = new ArrayList<>();
    for (String n : names) {
      boolean ip = n.indexOf(':') >= 0 || n.chars().allMatch(c -> c == '.' || Character.isDigit(c));
      alt.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(
        Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
    // An end entity, not a CA: Firefox refuses a server certificate that says it is a CA, and
    // clients given this file as their trust anchor (mosquitto_sub --cafile, the JDK) accept it
    // as the whole chain
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  /** localhost, this host's name (when it has a usable one), 127.0.0.1 and ::1. */
  static List<String> hostNames() {
    Set<String> names = new LinkedHashSet<>();
    names.add("localhost");
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (host != null && DNS_NAME.matcher(host).matches()) {
        names.add(host);
      }
    } catch (IOException e) {
      log.debug("no host name for the self-signed certificate: {}", e.toString());
    }
    names.add("127.0.0.1");
    names.add("::1");
    return List.copyOf(names);
  }

  /** SHA-256 of the certificate, as {@code AB:CD:...}. */
  public String sha256Fingerprint() {
    return PemFiles.sha256Fingerprint(certificate);
  }
}
