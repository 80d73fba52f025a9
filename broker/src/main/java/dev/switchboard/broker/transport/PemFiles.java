package dev.switchboard.broker.transport;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMDecryptorProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads and writes the PEM files TLS uses: certificate chains, and private keys in every form
 * OpenSSL writes (PKCS#8, PKCS#1 RSA, SEC1 EC; plain or encrypted). Problems are IOExceptions whose
 * message says what is wrong with the file in a few words, for a one-line error naming the setting.
 */
public final class PemFiles {
  private PemFiles() {}

  /** Every certificate in the file, in order (a server's own first, then its intermediates). */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser pem = parser(file)) {
      Object o;
      while ((o = readObject(pem)) != null) {
        if (o instanceof X509CertificateHolder holder) {
          try {
            out.add(converter.getCertificate(holder));
          } catch (CertificateException e) {
            throw new IOException("a certificate in it cannot be read: " + e.getMessage(), e);
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException("no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
    }
    return List.copyOf(out);
  }

  /**
   * The first private key in the file.
   *
   * @param password the password of an encrypted key; null when it is not encrypted
   */
  public static PrivateKey readPrivateKey(Path file, String password) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser pem = parser(file)) {
      Object o;
      while ((o = readObject(pem)) != null) {
        try {
          if (o instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
          }
          if (o instanceof PEMKeyPair pair) {
            // SEC1 and PKCS#1 keys may come without their public half
            return converter.getPrivateKey(pair.getPrivateKeyInfo());
          }
          if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
            requirePassword(password);
            var decryptor =
                new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(Bc.PROVIDER)
                    .build(password.toCharArray());
            return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
          }
          if (o instanceof PEMEncryptedKeyPair encrypted) {
            requirePassword(password);
            PEMDecryptorProvider decryptor =
                new JcePEMDecryptorProviderBuilder()
                    .setProvider(Bc.PROVIDER)
                    .build(password.toCharArray());
            return converter.getPrivateKey(encrypted.decryptKeyPair(decryptor).getPrivateKeyInfo());
          }
        } catch (PKCSException | PEMException | OperatorCreationException e) {
          throw new IOException(
              password == null
                  ? "the key cannot be read: " + e.getMessage()
                  : "the key cannot be decrypted with the password given",
              e);
        }
      }
    }
    throw new IOException("no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
  }

  /**
   * BouncyCastle's provider, for the key derivations of encrypted PEM keys the JDK lacks (OpenSSL's
   * own for traditional encrypted keys, the old PBES1 schemes). Used as an object, never
   * registered: nothing else in the process sees it. Made on first use only.
   */
  private static final class Bc {
    static final java.security.Provider PROVIDER =
        new org.bouncycastle.jce.provider.BouncyCastleProvider();
  }

  private static void requirePassword(String password) throws IOException {
    if (password == null) {
      throw new IOException("the key is encrypted, and no password is given");
    }
  }

  private static PEMParser parser(Path file) throws IOException {
    try {
      Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
      return new PEMParser(r);
    } catch (NoSuchFileException e) {
      throw new IOException("no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot be read (permission denied)", e);
    }
  }

  private static Object readObject(PEMParser pem) throws IOException {
    try {
      return pem.readObject();
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException("not a PEM file (it has bytes that are not text)", e);
    } catch (IOException | RuntimeException e) {
      // BouncyCastle's messages are technical but short ("unable to decode base64 string...")
      throw new IOException("not a valid PEM file: " + e.getMessage(), e);
    }
  }

  /** Writes a certificate as PEM, replacing the file in one step. */
  public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    try {
      writeAtomically(file, pem("CERTIFICATE", certificate.getEncoded()), false);
    } catch (CertificateEncodingException e) {
      throw new IOException(e);
    }
  }

  /**
   * Writes a private key as unencrypted PKCS#8 PEM, readable by its owner only (mode 600 where the
   * file system has POSIX permissions), replacing the file in one step.
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    writeAtomically(file, pem("PRIVATE KEY", key.getEncoded()), true);
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static void writeAtomically(Path file, String text, boolean ownerOnly)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    try {
      if (posix) {
        // created with its final permissions: the key is never readable by others, not even
        // for a moment
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--")));
      } else {
        Files.createFile(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IOException(tmp + " appeared while it was being written", e);
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The SHA-256 fingerprint of a certificate as OpenSSL prints it: {@code AB:CD:...}. */
  public static String sha256Fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether {@code key} is the private half of {@code certificate}'s public key: signs a few bytes
   * and verifies them. True for key types it does not know how to check.
   */
  public static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "ED25519", "ED448", "EDDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] probe = "switchboard".getBytes(StandardCharsets.US_ASCII);
      var signer = java.security.Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      var verifier = java.security.Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
