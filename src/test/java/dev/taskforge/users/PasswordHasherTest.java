package dev.taskforge.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Argon2id password hashes in PHC form: they verify, they are salted, and bad input never throws. */
class PasswordHasherTest {
  private static final PasswordHasher hasher = new PasswordHasher();

  @Test
  void aHashVerifiesTheSamePasswordAndNoOther() {
    String phc = hasher.hash("correct horse battery staple".toCharArray());

    assertThat(hasher.verify("correct horse battery staple".toCharArray(), phc)).isTrue();
    assertThat(hasher.verify("correct horse battery stapler".toCharArray(), phc)).isFalse();
    assertThat(hasher.verify("".toCharArray(), phc)).isFalse();
  }

  @Test
  void aHashIsAPhcStringWithTheOwaspCostA16ByteSaltAndA32ByteHash() {
    String phc = hasher.hash("pw".toCharArray());

    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("=$").doesNotEndWith("=");
    String[] parts = phc.split("\\$");
    assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
    assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
  }

  @Test
  void theSamePasswordHashedTwiceGetsDifferentSaltsAndHashes() {
    String first = hasher.hash("same".toCharArray());
    String second = hasher.hash("same".toCharArray());

    assertThat(first.split("\\$")[4]).isNotEqualTo(second.split("\\$")[4]);
    assertThat(first.split("\\$")[5]).isNotEqualTo(second.split("\\$")[5]);
    assertThat(hasher.verify("same".toCharArray(), first)).isTrue();
    assertThat(hasher.verify("same".toCharArray(), second)).isTrue();
  }

  @Test
  void nonAsciiPasswordsAreHashedAsUtf8() {
    String phc = hasher.hash("pässwörd-密码".toCharArray());

    assertThat(hasher.verify("pässwörd-密码".toCharArray(), phc)).isTrue();
    assertThat(hasher.verify("passwoerd-密码".toCharArray(), phc)).isFalse();
  }

  @Test
  void matchesTheArgon2idTestVectorOfRfc9106() {
    // RFC 9106 section 5.3: password 32 x 0x01, salt 16 x 0x02, secret 8 x 0x03, ad 12 x 0x04, m=32, t=3, p=4.
    byte[] tag = PasswordHasher.argon2id(filled(32, 0x01), filled(16, 0x02), new PasswordHasher.Cost(32, 3, 4),
        filled(8, 0x03), filled(12, 0x04), 32);

    assertThat(HexFormat.of().formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  @Test
  void verifiesAHashMadeByTheReferenceImplementation() {
    // phc-winner-argon2 src/test.c: "password", salt "somesalt", argon2id v=19 m=65536 t=2 p=1.
    String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

    assertThat(hasher.verify("password".toCharArray(), reference)).isTrue();
    assertThat(hasher.verify("passwore".toCharArray(), reference)).isFalse();
  }

  @Test
  void oldHashesStillVerifyAfterTheCostIsRaisedAndAskToBeRehashed() {
    PasswordHasher weak = new PasswordHasher(new PasswordHasher.Cost(8 * 1024, 1, 1));
    PasswordHasher strong = new PasswordHasher(new PasswordHasher.Cost(19_456, 3, 1));
    String old = weak.hash("pw".toCharArray());

    assertThat(old).contains("$m=8192,t=1,p=1$");
    assertThat(strong.verify("pw".toCharArray(), old)).isTrue();
    assertThat(strong.needsRehash(old)).isTrue();
    assertThat(strong.needsRehash(strong.hash("pw".toCharArray()))).isFalse();
    assertThat(weak.needsRehash(old)).isFalse();
  }

  @Test
  void aMalformedStoredHashNeedsRehashing() {
    assertThat(hasher.needsRehash("not a hash")).isTrue();
    assertThat(hasher.needsRehash(null)).isTrue();
  }

  @Test
  void aNullPasswordNeverVerifiesAndCannotBeHashed() {
    String phc = hasher.hash("x".toCharArray());

    assertThat(hasher.verify(null, phc)).isFalse();
    assertThatThrownBy(() -> hasher.hash(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=16$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$t=2,m=19456,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA",
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$",
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA==$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=19456,t=2,p=1$c29t!XNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=19456,t=2,p=1$c$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Q",
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAA",
      "$argon2id$v=19$m=0,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=19456,t=0,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=19456,t=2,p=0$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=19456,t=999,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$argon2id$v=19$m=-1,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      " $argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
      "plaintext-password"})
  void aMalformedStoredHashNeverVerifiesAndNeverThrows(String phc) {
    assertThat(hasher.verify("password".toCharArray(), phc)).isFalse();
    assertThat(hasher.needsRehash(phc)).isTrue();
  }

  @Test
  void aTamperedHashDoesNotVerify() {
    String phc = hasher.hash("pw".toCharArray());
    char[] chars = phc.toCharArray();
    int last = chars.length - 2; // a character of the hash that carries full bits
    chars[last] = chars[last] == 'A' ? 'B' : 'A';

    assertThat(hasher.verify("pw".toCharArray(), new String(chars))).isFalse();
  }

  @Test
  void costsOutsideTheSafeBoundsAreRefused() {
    assertThatThrownBy(() -> new PasswordHasher.Cost(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Cost(19_456, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Cost(19_456, 2, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
