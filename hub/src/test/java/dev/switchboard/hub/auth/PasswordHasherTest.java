package dev.switchboard.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.hub.auth.PasswordHasher.Algorithm;
import dev.switchboard.hub.auth.PasswordHasher.Settings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Small Argon2 parameters, so that round trips are quick; the defaults are tested once. */
  private static final Settings FAST_ARGON2 = new Settings(Algorithm.ARGON2ID, 256, 1, 1, 1000);

  private static final Settings FAST_PBKDF2 = FAST_ARGON2.withAlgorithm(Algorithm.PBKDF2_SHA256);

  @Test
  @DisplayName("the default is argon2id, m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash")
  void defaultArgon2idRoundTrip() {
    PasswordHasher hasher = new PasswordHasher();
    String phc = hasher.hash("s3cret".toCharArray());

    assertThat(phc)
        .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    String[] parts = phc.split("\\$");
    assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
    assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
    assertThat(hasher.verify("s3cret".toCharArray(), phc)).isTrue();
    assertThat(hasher.verify("s3cret!".toCharArray(), phc)).isFalse();
  }

  @Test
  @DisplayName("PBKDF2-SHA256: $pbkdf2-sha256$i=600000$salt$hash by default, round trip")
  void defaultPbkdf2RoundTrip() {
    PasswordHasher hasher =
        new PasswordHasher(Settings.DEFAULT.withAlgorithm(Algorithm.PBKDF2_SHA256));
    String phc = hasher.hash("s3cret".toCharArray());

    assertThat(phc).matches("\\$pbkdf2-sha256\\$i=600000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(hasher.verify("s3cret".toCharArray(), phc)).isTrue();
    assertThat(hasher.verify("S3cret".toCharArray(), phc)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ARGON2ID", "PBKDF2_SHA256"})
  @DisplayName("every hash has its own salt; each verifies with its password only")
  void freshSaltEachTime(Algorithm algorithm) {
    PasswordHasher hasher = new PasswordHasher(FAST_ARGON2.withAlgorithm(algorithm));
    String a = hasher.hash("same".toCharArray());
    String b = hasher.hash("same".toCharArray());

    assertThat(a).isNotEqualTo(b);
    assertThat(hasher.verify("same".toCharArray(), a)).isTrue();
    assertThat(hasher.verify("same".toCharArray(), b)).isTrue();
    assertThat(hasher.verify("other".toCharArray(), a)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ARGON2ID", "PBKDF2_SHA256"})
  @DisplayName("text passwords are UTF-8: char[] and the MQTT password bytes agree; empty works")
  void utf8AndEmpty(Algorithm algorithm) {
    PasswordHasher hasher = new PasswordHasher(FAST_ARGON2.withAlgorithm(algorithm));
    String phc = hasher.hash("pässwörd€".toCharArray());
    assertThat(hasher.verify("pässwörd€".getBytes(StandardCharsets.UTF_8), phc)).isTrue();
    assertThat(hasher.verify("pässwörd€".getBytes(StandardCharsets.ISO_8859_1), phc)).isFalse();

    String empty = hasher.hash(new byte[0]);
    assertThat(hasher.verify(new char[0], empty)).isTrue();
    assertThat(hasher.verify(new byte[] {'x'}, empty)).isFalse();
  }

  @Test
  @DisplayName("parameters are read from the string: a hash made with other settings verifies")
  void parametersFromTheString() {
    String phc = new PasswordHasher(FAST_ARGON2).hash("pw".toCharArray());
    assertThat(new PasswordHasher().verify("pw".toCharArray(), phc)).isTrue();
    String pbkdf2 = new PasswordHasher(FAST_PBKDF2).hash("pw".toCharArray());
    assertThat(new PasswordHasher().verify("pw".toCharArray(), pbkdf2)).isTrue();
  }

  @Test
  @DisplayName("needsRehash: other algorithm or parameters than the hasher's")
  void needsRehash() {
    PasswordHasher fast = new PasswordHasher(FAST_ARGON2);
    String phc = fast.hash("pw".toCharArray());
    assertThat(fast.needsRehash(phc)).isFalse();
    assertThat(new PasswordHasher().needsRehash(phc)).isTrue();
    assertThat(new PasswordHasher(FAST_PBKDF2).needsRehash(phc)).isTrue();
  }

  // Reference vectors of the Argon2 reference implementation (phc-winner-argon2, src/test.c),
  // also in libar2's test suite: password "password", salt "somesalt", version 0x13.
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc"
      })
  @DisplayName("argon2id matches the reference implementation's vectors")
  void argon2idReferenceVectors(String phc) {
    PasswordHasher.Phc p = PasswordHasher.Phc.parse(phc);
    byte[] raw =
        PasswordHasher.argon2id(
            "password".getBytes(StandardCharsets.US_ASCII),
            "somesalt".getBytes(StandardCharsets.US_ASCII),
            p.memoryKib(),
            p.iterations(),
            p.parallelism(),
            32);
    assertThat(raw).isEqualTo(p.hash());
    assertThat(new PasswordHasher().verify("password".toCharArray(), phc)).isTrue();
    assertThat(new PasswordHasher().verify("passwore".toCharArray(), phc)).isFalse();
  }

  @Test
  @DisplayName("argon2id reference vector m=65536 t=2 p=1 as raw bytes")
  void argon2idReferenceRaw() {
    byte[] raw =
        PasswordHasher.argon2id(
            "password".getBytes(StandardCharsets.US_ASCII),
            "somesalt".getBytes(StandardCharsets.US_ASCII),
            65536,
            2,
            1,
            32);
    assertThat(HEX.formatHex(raw))
        .isEqualTo("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
  }

  @Test
  @DisplayName("the Argon2id underneath matches RFC 9106 section 5.3 (with secret and data)")
  void rfc9106Vector() {
    byte[] password = filled(32, 0x01);
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(32)
            .withIterations(3)
            .withParallelism(4)
            .withSalt(filled(16, 0x02))
            .withSecret(filled(8, 0x03))
            .withAdditional(filled(12, 0x04))
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] tag = new byte[32];
    generator.generateBytes(password, tag);

    assertThat(HEX.formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  // RFC 7914 section 11: PBKDF2-HMAC-SHA256 test vectors.
  @ParameterizedTest(name = "P={0} S={1} c={2}")
  @CsvSource({
    "passwd, salt, 1, 55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
    "Password, NaCl, 80000, 4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
  })
  @DisplayName("PBKDF2-HMAC-SHA256 matches RFC 7914's vectors, and the JDK's PBKDF2")
  void pbkdf2Vectors(String password, String salt, int iterations, String hex) throws Exception {
    byte[] s = salt.getBytes(StandardCharsets.US_ASCII);
    byte[] raw =
        PasswordHasher.pbkdf2Sha256(
            password.getBytes(StandardCharsets.US_ASCII), s, iterations, 64);
    assertThat(HEX.formatHex(raw)).isEqualTo(hex);

    byte[] jdk =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(password.toCharArray(), s, iterations, 512))
            .getEncoded();
    assertThat(raw).isEqualTo(jdk);

    String phc =
        "$pbkdf2-sha256$i="
            + iterations
            + "$"
            + Base64.getEncoder().withoutPadding().encodeToString(s)
            + "$"
            + Base64.getEncoder().withoutPadding().encodeToString(raw);
    assertThat(new PasswordHasher().verify(password.toCharArray(), phc)).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''| no password hash",
        "argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| does not start with '$'",
        "$2b$10$abcdefghijklmnopqrstuu| unsupported algorithm '2b'",
        "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| unsupported algorithm 'argon2i'",
        "$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| version must be v=19",
        "$argon2id$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| expects $argon2id$v=19$m=M,t=T,p=P$salt$hash",
        "$argon2id$v=19$m=256,t=2$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| needs the parameters m, t and p",
        "$argon2id$v=19$m=256,t=2,p=1,k=3$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| unknown parameter 'k'",
        "$argon2id$v=19$m=256,m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| m appears twice",
        "$argon2id$v=19$m=lots,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| parameter m is not a number",
        "$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| parameter m is not a number",
        "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| memory m=4194304 KiB is outside 8..1048576",
        "$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| iterations t=0 is outside",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$not*base64| argon2id hash is not base64",
        "$argon2id$v=19$m=256,t=2,p=1$c2FsdA$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| argon2id salt has 4 bytes; 8 to 64 are supported",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$c2hvcnQ| argon2id hash has 5 bytes; 16 to 64 are supported",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$extra| expects $argon2id",
        "$pbkdf2-sha256$600000$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| needs its iteration count as i=I",
        "$pbkdf2-sha256$i=0$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4| iterations i=0 is outside",
        "$pbkdf2-sha256$i=1000$c29tZXNhbHQ| expects $pbkdf2-sha256$i=I$salt$hash"
      })
  @DisplayName("a malformed PHC string is an IllegalArgumentException saying what is wrong")
  void malformed(String phc, String message) {
    PasswordHasher hasher = new PasswordHasher();
    assertThatThrownBy(() -> hasher.verify("password".toCharArray(), phc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message.strip());
  }

  @Test
  @DisplayName("a null hash is malformed too")
  void nullHash() {
    assertThatThrownBy(() -> new PasswordHasher().verify(new byte[0], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no password hash");
  }

  @Test
  @DisplayName("settings out of range are refused with the parameter named")
  void settingsValidated() {
    assertThatThrownBy(() -> new Settings(Algorithm.ARGON2ID, 4, 2, 1, 1000))
        .hasMessageContaining("argon2id memory m=4");
    assertThatThrownBy(() -> new Settings(Algorithm.ARGON2ID, 19456, 0, 1, 1000))
        .hasMessageContaining("argon2id iterations t=0");
    assertThatThrownBy(() -> new Settings(Algorithm.ARGON2ID, 19456, 2, 0, 1000))
        .hasMessageContaining("argon2id parallelism p=0");
    assertThatThrownBy(() -> new Settings(Algorithm.PBKDF2_SHA256, 19456, 2, 1, 0))
        .hasMessageContaining("pbkdf2-sha256 iterations i=0");
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }
}
