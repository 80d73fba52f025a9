package dev.switchboard.broker.transport;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The names a (client) certificate gives its subject, for an authenticator that lets a verified
 * certificate stand for a user name: the subject's Common Name and the Subject Alternative Names of
 * the DNS, email (rfc822Name) and URI kinds.
 *
 * @param commonName the subject's most specific CN, or null when it has none
 * @param dnsNames dNSName entries, in certificate order
 * @param emails rfc822Name entries, in certificate order
 * @param uris uniformResourceIdentifier entries, in certificate order
 */
public record CertificateNames(
    String commonName, List<String> dnsNames, List<String> emails, List<String> uris) {

  // GeneralName tags (RFC 5280 4.2.1.6), as X509Certificate.getSubjectAlternativeNames gives them
  private static final int RFC822_NAME = 1;
  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  public CertificateNames {
    dnsNames = List.copyOf(dnsNames);
    emails = List.copyOf(emails);
    uris = List.copyOf(uris);
  }

  /** The names in {@code certificate}; a malformed SAN extension counts as none. */
  public static CertificateNames of(X509Certificate certificate) {
    List<String> dns = new ArrayList<>();
    List<String> emails = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      sans = null;
    }
    if (sans != null) {
      for (List<?> entry : sans) {
        if (entry.size() < 2 || !(entry.get(0) instanceof Integer tag)) {
          continue;
        }
        if (!(entry.get(1) instanceof String value)) {
          continue; // names of other kinds come as DER bytes
        }
        switch (tag) {
          case DNS_NAME -> dns.add(value);
          case RFC822_NAME -> emails.add(value);
          case URI -> uris.add(value);
          default -> {}
        }
      }
    }
    return new CertificateNames(
        commonName(certificate.getSubjectX500Principal()), dns, emails, uris);
  }

  /**
   * The subject's Common Name: the most specific one when there are several (the last in X.500
   * order, the first in the RFC 2253 string); null when there is none.
   */
  public static String commonName(X500Principal subject) {
    try {
      // getRdns() runs from the least specific (C=...) to the most specific
      List<Rdn> rdns = new LdapName(subject.getName(X500Principal.RFC2253)).getRdns();
      String cn = null;
      for (Rdn rdn : rdns) {
        var attributes = rdn.toAttributes().get("CN");
        if (attributes != null && attributes.size() > 0) {
          Object value = attributes.get(0);
          if (value instanceof String s) {
            cn = s;
          }
        }
      }
      return cn;
    } catch (javax.naming.NamingException e) {
      return null;
    }
  }

  /** Every name, Common Name first, then DNS names, emails and URIs; without duplicates. */
  public List<String> all() {
    Set<String> out = new LinkedHashSet<>();
    if (commonName != null) {
      out.add(commonName);
    }
    out.addAll(dnsNames);
    out.addAll(emails);
    out.addAll(uris);
    return List.copyOf(out);
  }
}
