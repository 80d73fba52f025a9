package dev.switchboard.hub.auth;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Which name of a client certificate, if any, is the client's user name. */
public enum CertificateIdentity {
  /** Certificates name nobody: the client logs in as it would without one. */
  NONE,
  /** The subject's common name (CN); the first one, if the subject has several. */
  CN,
  /** The first DNS name or e-mail address among the subject alternative names. */
  SAN;

  private static final int SAN_EMAIL = 1; // rfc822Name
  private static final int SAN_DNS = 2; // dNSName

  /** Reads {@code setting} ({@code none}, {@code cn}, {@code san}, in any case). */
  public static CertificateIdentity parse(String setting) {
    for (CertificateIdentity c : values()) {
      if (c.name().equalsIgnoreCase(setting)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "certificate identity '" + setting + "' is not one of none, cn, san");
  }

  /** The user name {@code leaf} names; null when it names none (or this is {@link #NONE}). */
  public String username(X509Certificate leaf) {
    return switch (this) {
      case NONE -> null;
      case CN -> commonName(leaf);
      case SAN -> alternativeName(leaf);
    };
  }

  private static String commonName(X509Certificate leaf) {
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
      ASN1Encodable value = rdn.getFirst().getValue();
      String name = value instanceof ASN1String s ? s.getString() : value.toString();
      if (!name.isEmpty()) {
        return name;
      }
    }
    return null;
  }

  private static String alternativeName(X509Certificate leaf) {
    Collection<List<?>> names;
    try {
      names = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return null;
    }
    if (names == null) {
      return null;
    }
    for (List<?> entry : names) {
      if (entry.size() >= 2
          && entry.get(0) instanceof Integer type
          && (type == SAN_DNS || type == SAN_EMAIL)
          && entry.get(1) instanceof String name
          && !name.isEmpty()) {
        return name;
      }
    }
    return null;
  }
}
