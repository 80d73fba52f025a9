package dev.switchboard.hub.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords into PHC strings and checks passwords against them.
 *
 * <ul>
 *   <li>{@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (the default; OWASP's minimum
 *       parameters: 19 MiB, 2 passes, 1 lane)
 *   <li>{@code $pbkdf2-sha256$i=600000$<salt>$<hash>} (PBKDF2-HMAC-SHA256, for where Argon2's
 *       memory is too much)
 * </ul>
 *
 * Salts are 16 random bytes, hashes 32 bytes, both in standard base64 without padding. Verification
 * reads the parameters from the string, so hashes made with other parameters (or imported from
 * another system) keep working after the defaults change. The parameters a string may ask for are
 * bounded, so that a bad stored hash cannot take a gigabyte or a minute to check.
 */
public final class PasswordHasher implements PasswordVerifier {
  public static final String ARGON2ID_ID = "argon2id";
  public static final String PBKDF2_SHA256_ID = "pbkdf2-sha256";

  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;
  private static final int MIN_HASH_BYTES = 16;
  private static final int MAX_HASH_BYTES = 64;
  private static final int MIN_ARGON2_SALT_BYTES = 8; // RFC 9106 section 3.1
  private static final int MAX_SALT_BYTES = 64;
  static final int MAX_ARGON2_MEMORY_KIB = 1 << 20; // 1 GiB
  static final int MAX_ARGON2_ITERATIONS = 100;
  static final int MAX_ARGON2_PARALLELISM = 16;
  static final int MAX_PBKDF2_ITERATIONS = 10_000_000;
  private static final int ARGON2_VERSION = 0x13; // 19

  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

  /** Which function {@link #hash} uses. */
  public enum Algorithm {
    ARGON2ID,
    PBKDF2_SHA256
  }

  /**
   * The parameters of new hashes.
   *
   * @param algorithm the function
   * @param argon2MemoryKib Argon2 memory in KiB (m)
   * @param argon2Iterations Argon2 passes (t)
   * @param argon2Parallelism Argon2 lanes (p)
   * @param pbkdf2Iterations PBKDF2 iterations (i)
   */
  public record Settings(
      Algorithm algorithm,
      int argon2MemoryKib,
      int argon2Iterations,
      int argon2Parallelism,
      int pbkdf2Iterations) {
    /** Argon2id, m=19456 KiB, t=2, p=1; PBKDF2 with 600000 iterations when chosen. */
    public static final Settings DEFAULT = new Settings(Algorithm.ARGON2ID, 19_456, 2, 1, 600_000);

    public Settings {
      Objects.requireNonNull(algorithm, "algorithm");
      checkArgon2(argon2MemoryKib, argon2Iterations, argon2Parallelism);
      checkPbkdf2(pbkdf2Iterations);
    }

    public Settings withAlgorithm(Algorithm a) {
      return new Settings(
          a, argon2MemoryKib, argon2Iterations, argon2Parallelism, pbkdf2Iterations);
    }
  }

  private final Settings settings;
  private final SecureRandom random;

  public PasswordHasher() {
    this(Settings.DEFAULT, new SecureRandom());
  }

  public PasswordHasher(Settings settings) {
    this(settings, new SecureRandom());
  }

  public PasswordHasher(Settings settings, SecureRandom random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
  }

  public Settings settings() {
    return settings;
  }

  /** A PHC string for {@code password} (encoded as UTF-8) with a fresh salt. */
  public String hash(char[] password) {
    byte[] bytes = utf8(password);
    try {
      return hash(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** A PHC string for {@code password} with a fresh salt. */
  public String hash(byte[] password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return switch (settings.algorithm()) {
      case ARGON2ID -> {
        int m = settings.argon2MemoryKib();
        int t = settings.argon2Iterations();
        int p = settings.argon2Parallelism();
        byte[] hash = argon2id(password, salt, m, t, p, HASH_BYTES);
        yield "$"
            + ARGON2ID_ID
            + "$v=19$m="
            + m
            + ",t="
            + t
            + ",p="
            + p
            + "$"
            + B64.encodeToString(salt)
            + "$"
            + B64.encodeToString(hash);
      }
      case PBKDF2_SHA256 -> {
        int i = settings.pbkdf2Iterations();
        byte[] hash = pbkdf2Sha256(password, salt, i, HASH_BYTES);
        yield "$"
            + PBKDF2_SHA256_ID
            + "$i="
            + i
            + "$"
            + B64.encodeToString(salt)
            + "$"
            + B64.encodeToString(hash);
      }
    };
  }

  /**
   * Whether {@code password} (encoded as UTF-8) is the one {@code phc} was made from.
   *
   * @throws IllegalArgumentException when {@code phc} is malformed or asks for unsupported
   *     parameters; the message says what is wrong and never repeats the hash
   */
  public boolean verify(char[] password, String phc) {
    byte[] bytes = utf8(password);
    try {
      return verify(bytes, phc);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Override
  public boolean verify(byte[] password, String phc) {
    Phc parsed = Phc.parse(phc);
    byte[] actual =
        switch (parsed.algorithm()) {
          case ARGON2ID ->
              argon2id(
                  password,
                  parsed.salt(),
                  parsed.memoryKib(),
                  parsed.iterations(),
                  parsed.parallelism(),
                  parsed.hash().length);
          case PBKDF2_SHA256 ->
              pbkdf2Sha256(password, parsed.salt(), parsed.iterations(), parsed.hash().length);
        };
    return MessageDigest.isEqual(actual, parsed.hash()); // constant time for equal lengths
  }

  /**
   * Whether {@code phc} was made with other parameters than this hasher's (a candidate for hashing
   * again at the next successful login).
   *
   * @throws IllegalArgumentException when {@code phc} is malformed
   */
  public boolean needsRehash(String phc) {
    Phc p = Phc.parse(phc);
    return switch (settings.algorithm()) {
      case ARGON2ID ->
          p.algorithm() != Algorithm.ARGON2ID
              || p.memoryKib() != settings.argon2MemoryKib()
              || p.iterations() != settings.argon2Iterations()
              || p.parallelism() != settings.argon2Parallelism();
      case PBKDF2_SHA256 ->
          p.algorithm() != Algorithm.PBKDF2_SHA256 || p.iterations() != settings.pbkdf2Iterations();
    };
  }

  static byte[] argon2id(
      byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  /** PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA256, on the JDK's HMAC. */
  static byte[] pbkdf2Sha256(byte[] password, byte[] salt, int iterations, int length) {
    Mac mac;
    try {
      mac = Mac.getInstance("HmacSHA256");
      // HMAC pads its key with zeros to the block size, so an empty password is the same key as 64
      // zero bytes; SecretKeySpec refuses an empty key.
      byte[] key = password.length == 0 ? new byte[64] : password;
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    int macLength = mac.getMacLength();
    byte[] out = new byte[length];
    byte[] u = new byte[macLength];
    byte[] t = new byte[macLength];
    int blocks = (length + macLength - 1) / macLength;
    try {
      for (int block = 1; block <= blocks; block++) {
        mac.update(salt);
        mac.update(ByteBuffer.allocate(4).putInt(block).array());
        mac.doFinal(u, 0);
        System.arraycopy(u, 0, t, 0, macLength);
        for (int i = 1; i < iterations; i++) {
          mac.update(u);
          mac.doFinal(u, 0);
          for (int k = 0; k < macLength; k++) {
            t[k] ^= u[k];
          }
        }
        int offset = (block - 1) * macLength;
        System.arraycopy(t, 0, out, offset, Math.min(macLength, length - offset));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e); // cannot happen: the buffers are the MAC's size
    }
    return out;
  }

  static byte[] utf8(char[] password) {
    ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    if (b.hasArray()) {
      Arrays.fill(b.array(), (byte) 0);
    }
    return bytes;
  }

  private static void checkArgon2(int m, int t, int p) {
    if (p < 1 || p > MAX_ARGON2_PARALLELISM) {
      throw new IllegalArgumentException(
          "argon2id parallelism p=" + p + " is outside 1.." + MAX_ARGON2_PARALLELISM);
    }
    if (m < 8 * p || m > MAX_ARGON2_MEMORY_KIB) {
      throw new IllegalArgumentException(
          "argon2id memory m="
              + m
              + " KiB is outside "
              + 8 * p
              + ".."
              + MAX_ARGON2_MEMORY_KIB
              + " (at least 8 KiB per lane)");
    }
    if (t < 1 || t > MAX_ARGON2_ITERATIONS) {
      throw new IllegalArgumentException(
          "argon2id iterations t=" + t + " is outside 1.." + MAX_ARGON2_ITERATIONS);
    }
  }

  private static void checkPbkdf2(int i) {
    if (i < 1 || i > MAX_PBKDF2_ITERATIONS) {
      throw new IllegalArgumentException(
          "pbkdf2-sha256 iterations i=" + i + " is outside 1.." + MAX_PBKDF2_ITERATIONS);
    }
  }

  /** A parsed PHC string; {@code memoryKib} and {@code parallelism} are 0 for PBKDF2. */
  record Phc(
      Algorithm algorithm,
      int memoryKib,
      int iterations,
      int parallelism,
      byte[] salt,
      byte[] hash) {

    static Phc parse(String phc) {
      if (phc == null || phc.isEmpty()) {
        throw new IllegalArgumentException("no password hash");
      }
      if (phc.charAt(0) != '$') {
        throw malformed("it does not start with '$'");
      }
      String[] parts = phc.substring(1).split("\\$", -1);
      return switch (parts[0]) {
        case ARGON2ID_ID -> parseArgon2id(parts);
        case PBKDF2_SHA256_ID -> parsePbkdf2(parts);
        default ->
            throw malformed(
                "unsupported algorithm '"
                    + printable(parts[0])
                    + "' (supported: "
                    + ARGON2ID_ID
                    + ", "
                    + PBKDF2_SHA256_ID
                    + ")");
      };
    }

    private static Phc parseArgon2id(String[] parts) {
      // argon2id, v=19, m=..,t=..,p=.., salt, hash
      if (parts.length != 5) {
        throw malformed("argon2id expects $argon2id$v=19$m=M,t=T,p=P$salt$hash");
      }
      if (!parts[1].equals("v=" + ARGON2_VERSION)) {
        throw malformed("argon2id version must be v=19, not '" + printable(parts[1]) + "'");
      }
      int m = -1;
      int t = -1;
      int p = -1;
      for (String param : parts[2].split(",", -1)) {
        int eq = param.indexOf('=');
        String name = eq < 0 ? param : param.substring(0, eq);
        String value = eq < 0 ? "" : param.substring(eq + 1);
        switch (name) {
          case "m" -> m = once(m, "m", value);
          case "t" -> t = once(t, "t", value);
          case "p" -> p = once(p, "p", value);
          default -> throw malformed("argon2id has unknown parameter '" + printable(name) + "'");
        }
      }
      if (m < 0 || t < 0 || p < 0) {
        throw malformed("argon2id needs the parameters m, t and p");
      }
      try {
        checkArgon2(m, t, p);
      } catch (IllegalArgumentException e) {
        throw malformed(e.getMessage());
      }
      byte[] salt = base64("argon2id salt", parts[3], MIN_ARGON2_SALT_BYTES, MAX_SALT_BYTES);
      byte[] hash = base64("argon2id hash", parts[4], MIN_HASH_BYTES, MAX_HASH_BYTES);
      return new Phc(Algorithm.ARGON2ID, m, t, p, salt, hash);
    }

    private static Phc parsePbkdf2(String[] parts) {
      if (parts.length != 4) {
        throw malformed("pbkdf2-sha256 expects $pbkdf2-sha256$i=I$salt$hash");
      }
      if (!parts[1].startsWith("i=")) {
        throw malformed("pbkdf2-sha256 needs its iteration count as i=I");
      }
      int i = number("i", parts[1].substring(2));
      try {
        checkPbkdf2(i);
      } catch (IllegalArgumentException e) {
        throw malformed(e.getMessage());
      }
      byte[] salt = base64("pbkdf2-sha256 salt", parts[2], 1, MAX_SALT_BYTES);
      byte[] hash = base64("pbkdf2-sha256 hash", parts[3], MIN_HASH_BYTES, MAX_HASH_BYTES);
      return new Phc(Algorithm.PBKDF2_SHA256, 0, i, 0, salt, hash);
    }

    private static int once(int previous, String name, String value) {
      if (previous >= 0) {
        throw malformed("argon2id parameter " + name + " appears twice");
      }
      return number(name, value);
    }

    private static int number(String name, String value) {
      if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
        throw malformed("parameter " + name + " is not a number");
      }
      long n = Long.parseLong(value);
      if (n > Integer.MAX_VALUE) {
        throw malformed("parameter " + name + " is too large");
      }
      return (int) n;
    }

    private static byte[] base64(String what, String text, int min, int max) {
      byte[] bytes;
      try {
        bytes = B64_DECODER.decode(text);
      } catch (IllegalArgumentException e) {
        throw malformed(what + " is not base64");
      }
      if (bytes.length < min || bytes.length > max) {
        throw malformed(
            what + " has " + bytes.length + " bytes; " + min + " to " + max + " are supported");
      }
      return bytes;
    }

    private static String printable(String s) {
      String cut = s.length() > 20 ? s.substring(0, 20) + "..." : s;
      return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static IllegalArgumentException malformed(String why) {
      return new IllegalArgumentException("malformed password hash: " + why);
    }
  }
}
