package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TLS between nodes: the PEM files are checked before the node starts")
class ClusterTlsTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki.Issued node;

  @BeforeAll
  static void issue() throws Exception {
    pki = TestPki.create(dir, "cluster");
    node = pki.node("node", "switchboard-cluster");
  }

  private static ClusterSettings.Tls tls(Path certificate, Path key, Path ca) {
    return new ClusterSettings.Tls(certificate, key, ca);
  }

  @Test
  @DisplayName("an RSA node certificate for server and client authentication, its key, a CA: fine")
  void usable() {
    assertThatCode(
            () -> ClusterTls.check(tls(node.certificateFile(), node.keyFile(), pki.caFile())))
        .doesNotThrowAnyException();
  }

  @Test
  @DisplayName("an EC key (Pekko reads RSA keys only) is refused, naming cluster.tls.key")
  void ecKey() throws Exception {
    TestPki.Issued ec = pki.server("ec", "node.example");
    assertThatThrownBy(
            () -> ClusterTls.check(tls(ec.certificateFile(), ec.keyFile(), pki.caFile())))
        .hasMessageStartingWith("cluster.tls.key (" + ec.keyFile() + "): an RSA key is needed");
  }

  @Test
  @DisplayName(
      "a server-only certificate, a key of another certificate, missing and empty files: each"
          + " refused, naming its setting")
  void unusable() throws Exception {
    TestPki.Issued other = pki.node("other", "switchboard-cluster");
    assertThatThrownBy(
            () -> ClusterTls.check(tls(node.certificateFile(), other.keyFile(), pki.caFile())))
        .hasMessage(
            "cluster.tls.key ("
                + other.keyFile()
                + "): it is not the key of "
                + node.certificateFile());
    TestPki.Issued serverOnly =
        pki.rsa("server-only", "switchboard-cluster", KeyPurposeId.id_kp_serverAuth);
    assertThatThrownBy(
            () ->
                ClusterTls.check(
                    tls(serverOnly.certificateFile(), serverOnly.keyFile(), pki.caFile())))
        .hasMessageStartingWith(
            "cluster.tls.certificate ("
                + serverOnly.certificateFile()
                + "): a node's certificate must allow both server and client authentication");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> ClusterTls.check(tls(missing, node.keyFile(), pki.caFile())))
        .hasMessage("cluster.tls.certificate (" + missing + "): no such file");
    assertThatThrownBy(() -> ClusterTls.check(tls(node.certificateFile(), node.keyFile(), missing)))
        .hasMessage("cluster.tls.ca (" + missing + "): no such file");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> ClusterTls.check(tls(node.certificateFile(), empty, pki.caFile())))
        .hasMessageStartingWith("cluster.tls.key (" + empty + "): an RSA key is needed");
  }
}
