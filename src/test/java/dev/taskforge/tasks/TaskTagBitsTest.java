package dev.taskforge.tasks;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.RepositoryTestSupport;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * task_tag_bits (V25): the sort indexes hold a task's tags as 64 bits, and a tag filter trusts
 * them to hold the bit of every tag the task has. A bit must never move (after an upgrade an index
 * holding the old bits would drop matches), so it is pinned here to its definition: the first byte
 * of the tag's SHA-256, modulo 64.
 */
class TaskTagBitsTest {
  private static RepositoryTestSupport db;

  @BeforeAll
  static void database() {
    db = new RepositoryTestSupport(TaskTagBitsTest.class);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static final List<String> ODD_TAGS = List.of("team-1", "Ünïcødé tag", "a:b", " spaced ", "", "x".repeat(300),
      "emoji 🚀", "tab\there", "back\\slash", "\\x41", "'; DROP TABLE tasks; --");

  @Test
  void eachTagSetsTheBitOfTheFirstByteOfItsSha256() throws Exception {
    for (String tag : ODD_TAGS) {
      assertThat(bits(new String[] {tag})).as(tag).isEqualTo(1L << (sha256FirstByte(tag) % 64));
    }
  }

  @Test
  void aTasksBitsHoldTheBitsOfEveryTagItCarries() {
    long all = bits(ODD_TAGS.toArray(String[]::new));

    for (String tag : ODD_TAGS) {
      long one = bits(new String[] {tag});
      assertThat(all & one).as(tag).isEqualTo(one);
    }
  }

  @Test
  void noTagsAndMissingTagsSetNoBit() {
    assertThat(bits(new String[0])).isZero();
    assertThat(bits(new String[] {null, "team-1"})).isEqualTo(bits(new String[] {"team-1"}));
    assertThat(await(db.pool.query("SELECT task_tag_bits(NULL) AS bits").execute()).iterator().next().getLong("bits"))
        .isZero();
  }

  private static long bits(String[] tags) {
    return await(db.pool.preparedQuery("SELECT task_tag_bits($1::text[]) AS bits").execute(Tuple.of((Object) tags)))
        .iterator().next().getLong("bits");
  }

  private static int sha256FirstByte(String tag) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(tag.getBytes(StandardCharsets.UTF_8))[0] & 0xFF;
  }
}
