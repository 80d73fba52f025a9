package dev.switchboard.hub.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The keys a {@link JwtVerifier} checks signatures with: HMAC secrets, and RSA and EC public keys
 * from PEM text (public keys or certificates) or a JWKS document. Only public halves are kept: a
 * JWKS with private keys is reduced to its public keys; a PEM with a private key is refused, since
 * it should not be lying on a broker.
 */
public final class JwtKeys {
  private static final int MIN_HMAC_BYTES = 32; // RFC 7518 section 3.2: at least the hash's size
  private static final int MIN_RSA_BITS = 2048;

  private final List<JWK> keys;

  private JwtKeys(List<JWK> keys) {
    this.keys = List.copyOf(keys);
  }

  public static JwtKeys none() {
    return new JwtKeys(List.of());
  }

  /** An HMAC secret (HS256) of at least 32 bytes; {@code keyId} may be null. */
  public static JwtKeys hmacSecret(byte[] secret, String keyId) {
    if (secret.length < MIN_HMAC_BYTES) {
      throw new IllegalArgumentException(
          "a JWT HMAC secret needs at least "
              + MIN_HMAC_BYTES
              + " bytes (256 bits), this one has "
              + secret.length);
    }
    return new JwtKeys(List.of(new OctetSequenceKey.Builder(secret).keyID(keyId).build()));
  }

  /** The public keys of a PEM file: {@code PUBLIC KEY} blocks and {@code CERTIFICATE}s. */
  public static JwtKeys fromPemFile(Path file) {
    return fromPem(read(file), file.toString());
  }

  /** The public keys of PEM text; {@code source} names it in error messages. */
  public static JwtKeys fromPem(String pem, String source) {
    List<JWK> found = new ArrayList<>();
    JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
    JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        PublicKey key =
            switch (o) {
              case SubjectPublicKeyInfo spki -> keys.getPublicKey(spki);
              case X509CertificateHolder cert -> certs.getCertificate(cert).getPublicKey();
              case PEMKeyPair ignored -> throw privateKey(source);
              case PrivateKeyInfo ignored -> throw privateKey(source);
              default ->
                  throw new IllegalArgumentException(
                      source
                          + ": holds a "
                          + o.getClass().getSimpleName()
                          + "; JWT keys are PUBLIC KEY or CERTIFICATE blocks");
            };
        found.add(toJwk(key, source));
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(source + ": not readable PEM: " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(source + ": no PUBLIC KEY or CERTIFICATE block");
    }
    return new JwtKeys(found);
  }

  /** The keys of a JWKS file ({@code {"keys": [...]}}), selected by their {@code kid}. */
  public static JwtKeys fromJwksFile(Path file) {
    return fromJwks(read(file), file.toString());
  }

  /** The keys of a JWKS document; {@code source} names it in error messages. */
  public static JwtKeys fromJwks(String json, String source) {
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      throw new IllegalArgumentException(source + ": not a JWKS document: " + e.getMessage(), e);
    }
    List<JWK> found = new ArrayList<>();
    for (JWK k : set.getKeys()) {
      switch (k) {
        case RSAKey rsa -> {
          checkRsa(rsa.size(), source);
          found.add(rsa.toPublicJWK());
        }
        case ECKey ec -> found.add(ec.toPublicJWK());
        case OctetSequenceKey oct -> {
          if (oct.size() < MIN_HMAC_BYTES * 8) {
            throw new IllegalArgumentException(
                source + ": the HMAC key '" + oct.getKeyID() + "' is shorter than 256 bits");
          }
          found.add(oct);
        }
        default ->
            throw new IllegalArgumentException(
                source + ": key type " + k.getKeyType() + " is not supported (RSA, EC, oct are)");
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(source + ": the JWKS has no keys");
    }
    return new JwtKeys(found);
  }

  /** These keys and {@code other}'s. */
  public JwtKeys and(JwtKeys other) {
    List<JWK> all = new ArrayList<>(keys);
    all.addAll(other.keys);
    return new JwtKeys(all);
  }

  public List<JWK> keys() {
    return keys;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  private static JWK toJwk(PublicKey key, String source) {
    return switch (key) {
      case RSAPublicKey rsa -> {
        checkRsa(rsa.getModulus().bitLength(), source);
        yield new RSAKey.Builder(rsa).build();
      }
      case ECPublicKey ec -> {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        if (curve == null) {
          throw new IllegalArgumentException(
              source + ": an EC key on a curve JWT does not use (P-256, P-384, P-521 are)");
        }
        yield new ECKey.Builder(curve, ec).build();
      }
      default ->
          throw new IllegalArgumentException(
              source + ": a " + key.getAlgorithm() + " key; JWT keys are RSA or EC");
    };
  }

  private static void checkRsa(int bits, String source) {
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          source + ": an RSA key of " + bits + " bits; at least " + MIN_RSA_BITS + " are needed");
    }
  }

  private static IllegalArgumentException privateKey(String source) {
    return new IllegalArgumentException(
        source + ": holds a private key; give the public key (openssl pkey -pubout) instead");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }
}
