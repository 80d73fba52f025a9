package dev.switchboard.hub.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and self-signed certificates made with BouncyCastle for tests. */
public final class Certificates {
  private Certificates() {}

  public static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  public static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  /**
   * A self-signed EC certificate.
   *
   * @param subject such as {@code CN=sensor-1,O=Lab}
   * @param sans alternative names as GeneralName tag and value pairs, e.g. {@code
   *     GeneralName.dNSName, "a.example"}
   */
  public static X509Certificate selfSigned(KeyPair keys, String subject, Object... sans)
      throws Exception {
    X500Name name = new X500Name(subject);
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(42),
            Date.from(Instant.parse("2025-01-01T00:00:00Z")),
            Date.from(Instant.parse("2035-01-01T00:00:00Z")),
            name,
            keys.getPublic());
    if (sans.length > 0) {
      GeneralName[] names = new GeneralName[sans.length / 2];
      for (int i = 0; i < names.length; i++) {
        names[i] = new GeneralName((Integer) sans[2 * i], (String) sans[2 * i + 1]);
      }
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
    String alg =
        keys.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder(alg).build(keys.getPrivate())));
  }

  /** PEM text of keys, certificates or anything else JcaPEMWriter writes. */
  public static String pem(Object... objects) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    }
    return out.toString();
  }
}
