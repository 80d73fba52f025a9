package dev.switchboard.broker.testing;

import dev.switchboard.broker.transport.PemFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one test: it issues server and client certificates with the
 * names and validity a test needs, writes them as PEM files, and builds the SSLContexts clients
 * use. Part of the broker's test-jar, so that other modules' tests (the client's, the app's) can
 * make certificates for Switchboard or for {@link MosquittoBroker}.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final Path caFile;

  /** A certificate with its key, and the PEM files they are in. */
  public record Issued(
      X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile) {
    /** The SHA-256 fingerprint of the certificate, as the broker prints it. */
    public String fingerprint() {
      return PemFiles.sha256Fingerprint(certificate);
    }
  }

  private TestPki(Path dir, String name) throws Exception {
    this.dir = dir;
    this.name = name;
    this.caKeys = keyPair();
    X500Name subject = new X500Name("CN=" + name + " Test CA,O=Switchboard tests");
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(365))),
            subject,
            caKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.ca = sign(b, caKeys.getPrivate());
    this.caFile = dir.resolve(name + "-ca.pem");
    PemFiles.writeCertificate(caFile, ca);
  }

  public static TestPki create(Path dir, String name) throws Exception {
    return new TestPki(dir, name);
  }

  public Path caFile() {
    return caFile;
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  /**
   * A server certificate for {@code names} (DNS names or IP literals), valid from now for a year.
   */
  public Issued server(String file, String... names) throws Exception {
    Instant now = Instant.now();
    return server(file, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), names);
  }

  public Issued server(String file, Instant notBefore, Instant notAfter, String... names)
      throws Exception {
    return issue(
        file, "CN=" + names[0], notBefore, notAfter, KeyPurposeId.id_kp_serverAuth, sans(names));
  }

  /** A client certificate with Common Name {@code cn} and these SANs, valid for a year. */
  public Issued client(String file, String cn, GeneralName... sans) throws Exception {
    Instant now = Instant.now();
    return client(file, cn, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), sans);
  }

  public Issued client(
      String file, String cn, Instant notBefore, Instant notAfter, GeneralName... sans)
      throws Exception {
    return issue(
        file, "CN=" + cn + ",O=Devices", notBefore, notAfter, KeyPurposeId.id_kp_clientAuth, sans);
  }

  /**
   * A cluster node's certificate: subject {@code CN=cn}, an RSA key (Pekko's TLS between nodes
   * reads no other), usable for both server and client authentication, valid for a year.
   */
  public Issued node(String file, String cn) throws Exception {
    return rsa(file, cn, KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
  }

  /** A certificate with an RSA key, subject {@code CN=cn}, for {@code purposes}, for a year. */
  public Issued rsa(String file, String cn, KeyPurposeId... purposes) throws Exception {
    Instant now = Instant.now();
    return issue(
        file,
        "CN=" + cn,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(365)),
        rsaKeyPair(),
        purposes);
  }

  private static GeneralName[] sans(String... names) {
    List<GeneralName> out = new ArrayList<>();
    for (String n : names) {
      boolean ip = n.indexOf(':') >= 0 || n.chars().allMatch(c -> c == '.' || Character.isDigit(c));
      out.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    return out.toArray(GeneralName[]::new);
  }

  private Issued issue(
      String file,
      String subject,
      Instant notBefore,
      Instant notAfter,
      KeyPurposeId purpose,
      GeneralName... sans)
      throws Exception {
    return issue(file, subject, notBefore, notAfter, keyPair(), new KeyPurposeId[] {purpose}, sans);
  }

  private Issued issue(
      String file,
      String subject,
      Instant notBefore,
      Instant notAfter,
      KeyPair keys,
      KeyPurposeId[] purposes,
      GeneralName... sans)
      throws Exception {
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            new X500Name(subject),
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
    if (sans.length > 0) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
    }
    X509Certificate cert = sign(b, caKeys.getPrivate());
    Path certFile = dir.resolve(file + ".crt");
    Path keyFile = dir.resolve(file + ".key");
    PemFiles.writeCertificate(certFile, cert);
    PemFiles.writePrivateKey(keyFile, keys.getPrivate());
    return new Issued(cert, keys.getPrivate(), certFile, keyFile);
  }

  /** Trusts this CA. */
  public TrustManagerFactory trustManagers() throws GeneralSecurityException, IOException {
    return trustManagers(ca);
  }

  public static TrustManagerFactory trustManagers(X509Certificate... anchors)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (int i = 0; i < anchors.length; i++) {
      ks.setCertificateEntry("ca" + i, anchors[i]);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    return tmf;
  }

  /** Presents {@code client}'s certificate (when the server names its CA as acceptable). */
  public static KeyManagerFactory keyManagers(Issued client)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "client", client.key(), "pw".toCharArray(), new X509Certificate[] {client.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "pw".toCharArray());
    return kmf;
  }

  /**
   * A client context that trusts this CA and presents {@code client} (when not null) whatever CAs
   * the server asks for: the JDK's key manager would send nothing rather than a certificate of a CA
   * the server did not name, and the server's own check is what tests look at.
   */
  public SSLContext clientContext(Issued client) throws GeneralSecurityException, IOException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        client == null ? null : new KeyManager[] {new AlwaysPresent(client)},
        trustManagers().getTrustManagers(),
        new SecureRandom());
    return ctx;
  }

  /** Presents one certificate, always. */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final Issued client;

    AlwaysPresent(Issued client) {
      this.client = client;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
      return "client";
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {client.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return client.key();
    }
  }

  private static KeyPair rsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }
}
