package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.testing.Certificates;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CertificateIdentityTest {
  private static KeyPair keys;

  @BeforeAll
  static void keys() throws Exception {
    keys = Certificates.ec("secp256r1");
  }

  @Test
  @DisplayName("cn: the subject's common name")
  void commonName() throws Exception {
    X509Certificate cert = Certificates.selfSigned(keys, "CN=sensor-1,O=Lab,C=PT");
    assertThat(CertificateIdentity.CN.username(cert)).isEqualTo("sensor-1");
  }

  @Test
  @DisplayName("cn: none in the subject is no user")
  void noCommonName() throws Exception {
    X509Certificate cert = Certificates.selfSigned(keys, "O=Lab,C=PT");
    assertThat(CertificateIdentity.CN.username(cert)).isNull();
  }

  @Test
  @DisplayName("san: the first DNS name or e-mail address, skipping other kinds")
  void alternativeName() throws Exception {
    X509Certificate cert =
        Certificates.selfSigned(
            keys,
            "CN=ignored",
            GeneralName.iPAddress,
            "192.0.2.1",
            GeneralName.dNSName,
            "sensor-1.devices.example",
            GeneralName.rfc822Name,
            "ops@example.org");
    assertThat(CertificateIdentity.SAN.username(cert)).isEqualTo("sensor-1.devices.example");

    X509Certificate email =
        Certificates.selfSigned(
            keys,
            "CN=ignored",
            GeneralName.rfc822Name,
            "ops@example.org",
            GeneralName.dNSName,
            "x");
    assertThat(CertificateIdentity.SAN.username(email)).isEqualTo("ops@example.org");
  }

  @Test
  @DisplayName("san: a certificate without alternative names names nobody")
  void noAlternativeName() throws Exception {
    X509Certificate cert = Certificates.selfSigned(keys, "CN=sensor-1");
    assertThat(CertificateIdentity.SAN.username(cert)).isNull();
    assertThat(CertificateIdentity.NONE.username(cert)).isNull();
  }

  @Test
  @DisplayName("the setting reads none, cn, san in any case and names itself when wrong")
  void parse() {
    assertThat(CertificateIdentity.parse("cn")).isEqualTo(CertificateIdentity.CN);
    assertThat(CertificateIdentity.parse("SAN")).isEqualTo(CertificateIdentity.SAN);
    assertThat(CertificateIdentity.parse("None")).isEqualTo(CertificateIdentity.NONE);
    assertThatThrownBy(() -> CertificateIdentity.parse("dn"))
        .hasMessage("certificate identity 'dn' is not one of none, cn, san");
  }
}
