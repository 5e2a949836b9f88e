package dev.taskforge.users;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords with Argon2id and checks them against stored hashes in the PHC string form
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (standard Base64, no padding).
 *
 * <p>The cost parameters are read back from each stored string, so raising them later still
 * verifies every older hash; {@link #needsRehash} tells the login path when to upgrade one.
 * A stored string that cannot be parsed never verifies and never throws.
 */
public final class PasswordHasher {

  /** Argon2id cost: memory in KiB, passes over memory, lanes. */
  public record Cost(int memoryKib, int iterations, int parallelism) {
    /** The OWASP password storage recommendation for Argon2id (19 MiB, 2 passes, 1 lane). */
    public static final Cost OWASP = new Cost(19_456, 2, 1);

    public Cost {
      if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
        throw new IllegalArgumentException("parallelism must be 1.." + MAX_PARALLELISM);
      }
      if (iterations < 1 || iterations > MAX_ITERATIONS) {
        throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS);
      }
      if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException("memory must be 8*parallelism.." + MAX_MEMORY_KIB + " KiB");
      }
    }
  }

  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  // Bounds on what a stored string may ask for: a corrupted or planted hash must not make one
  // login allocate gigabytes or spin for minutes.
  private static final int MAX_MEMORY_KIB = 1 << 20;
  private static final int MAX_ITERATIONS = 64;
  private static final int MAX_PARALLELISM = 16;
  private static final int MIN_STORED_BYTES = 8;
  private static final int MAX_STORED_BYTES = 64;

  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Cost cost;

  /** A hasher with the OWASP cost. */
  public PasswordHasher() {
    this(Cost.OWASP);
  }

  public PasswordHasher(Cost cost) {
    this.cost = cost;
  }

  /** A new PHC string for the password, with a fresh random salt. */
  public String hash(char[] password) {
    if (password == null) {
      throw new IllegalArgumentException("password is null");
    }
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = argon2id(password, salt, cost, HASH_BYTES);
    try {
      return phc(salt, hash);
    } finally {
      Arrays.fill(hash, (byte) 0);
    }
  }

  /**
   * A well-formed PHC string of no password at all, with this hasher's cost: verifying anything
   * against it takes as long as against a real hash, and never matches (but by a 2^-256 chance).
   */
  public String standIn() {
    byte[] salt = new byte[SALT_BYTES];
    byte[] hash = new byte[HASH_BYTES];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(hash);
    return phc(salt, hash);
  }

  private String phc(byte[] salt, byte[] hash) {
    return "$argon2id$v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  /** Whether the password matches the stored PHC string; false for a malformed string. */
  public boolean verify(char[] password, String phc) {
    if (password == null) {
      return false;
    }
    Optional<Stored> stored = parse(phc);
    if (stored.isEmpty()) {
      return false;
    }
    Stored s = stored.get();
    byte[] candidate = argon2id(password, s.salt(), s.cost(), s.hash().length);
    try {
      return MessageDigest.isEqual(candidate, s.hash());
    } finally {
      Arrays.fill(candidate, (byte) 0);
    }
  }

  /** Whether the stored string should be replaced by a fresh {@link #hash} at the next login. */
  public boolean needsRehash(String phc) {
    return parse(phc)
        .map(s -> !s.cost().equals(cost) || s.salt().length != SALT_BYTES || s.hash().length != HASH_BYTES)
        .orElse(true);
  }

  private record Stored(Cost cost, byte[] salt, byte[] hash) {}

  private static Optional<Stored> parse(String phc) {
    if (phc == null) {
      return Optional.empty();
    }
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Cost cost = new Cost(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      byte[] salt = B64_DECODER.decode(m.group(4));
      byte[] hash = B64_DECODER.decode(m.group(5));
      if (!inStoredBounds(salt) || !inStoredBounds(hash)) {
        return Optional.empty();
      }
      return Optional.of(new Stored(cost, salt, hash));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // out-of-range cost or Base64 with a dangling character
    }
  }

  private static boolean inStoredBounds(byte[] bytes) {
    return bytes.length >= MIN_STORED_BYTES && bytes.length <= MAX_STORED_BYTES;
  }

  private static byte[] argon2id(char[] password, byte[] salt, Cost cost, int length) {
    byte[] passwordBytes = toUtf8(password);
    try {
      return argon2id(passwordBytes, salt, cost, null, null, length);
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
    }
  }

  /** Raw Argon2id (version 0x13) with the optional secret and associated data of RFC 9106. */
  static byte[] argon2id(byte[] password, byte[] salt, Cost cost, byte[] secret, byte[] associatedData, int length) {
    Argon2Parameters.Builder params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(cost.memoryKib())
        .withIterations(cost.iterations())
        .withParallelism(cost.parallelism())
        .withSalt(salt);
    if (secret != null) {
      params.withSecret(secret);
    }
    if (associatedData != null) {
      params.withAdditional(associatedData);
    }
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params.build());
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  private static byte[] toUtf8(char[] password) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }
}
