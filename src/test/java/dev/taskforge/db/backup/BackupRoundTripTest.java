package dev.taskforge.db.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.seed.DevelopmentSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup -> restore into an empty database gives back every row, key and sequence. */
class BackupRoundTripTest {
  private static DatabaseUrl source;

  @TempDir
  Path dir;

  @BeforeAll
  static void fillEveryTable() throws SQLException {
    source = TestDatabase.forClass(BackupRoundTripTest.class);
    DevelopmentSeed.run(source);
    try (Connection c = TestDatabase.connect(source); Statement s = c.createStatement()) {
      // Awkward values the COPY text format must carry unchanged.
      s.execute("""
          INSERT INTO users (email, password_hash, display_name)
          VALUES ('odd@example.com', 'x', E'tab\\there, newline\\nthere, back\\\\slash, quote '' and "double", ünïcödé ✓')
          """);
      s.execute("""
          INSERT INTO tasks (owner_id, title, prompt, description, tags, metadata)
          SELECT id, E'line1\\nline2', E'\\\\N is not null', NULL, '{}', '{"k": "v\\\\u0000-free", "n": [1, 2.5]}'
            FROM users WHERE email = 'odd@example.com'
          """);
      // Leave gaps in identity sequences: the restore must continue after the gap, not after the last row.
      s.execute("SELECT nextval(pg_get_serial_sequence('queue_health', 'id')) FROM generate_series(1, 7)");
      s.execute("SELECT nextval('system_metrics_id_seq') FROM generate_series(1, 5)");
    }
  }

  @Test
  void restoresEveryRowAndSequenceIntoAnEmptyDatabase() throws Exception {
    Path file = dir.resolve("full.backup");
    String summary = Backup.write(source, file);
    DatabaseUrl target = TestDatabase.empty("restore_target");

    String restored = Restore.read(target, file);

    assertThat(summary).contains("backup written");
    assertThat(restored).contains("restored");
    Map<String, String> expected = checksums(source);
    assertThat(expected).isNotEmpty().allSatisfy((table, sum) -> assertThat(sum).doesNotStartWith("0 rows"));
    assertThat(checksums(target)).isEqualTo(expected);
    assertThat(sequences(target)).isEqualTo(sequences(source));
  }

  @Test
  void aRestoredDatabaseHandsOutFreshIdsAfterTheBackedUpOnes() throws Exception {
    Path file = dir.resolve("ids.backup");
    Backup.write(source, file);
    DatabaseUrl target = TestDatabase.empty("restore_ids");
    Restore.read(target, file);

    long maxBefore = scalar(target, "SELECT max(id) FROM queue_health");
    long fresh = scalar(target, "INSERT INTO queue_health (queue_name, status) VALUES ('q', 'OK') RETURNING id");

    assertThat(fresh).isGreaterThan(maxBefore + 7);
  }

  @Test
  void refusesADatabaseThatAlreadyHoldsRowsAndChangesNothing() throws Exception {
    Path file = dir.resolve("refused.backup");
    Backup.write(source, file);
    Map<String, String> before = checksums(source);

    assertThatThrownBy(() -> Restore.read(source, file))
        .hasMessageContaining("already holds rows")
        .hasMessageContaining("nothing was loaded");
    assertThat(checksums(source)).isEqualTo(before);
  }

  @Test
  void aDamagedFileIsRefusedAndLeavesTheTargetEmpty() throws Exception {
    Path file = dir.resolve("damaged.backup");
    Backup.write(source, file);
    byte[] bytes = Files.readAllBytes(file);
    Path truncated = dir.resolve("truncated.backup");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    Path notABackup = dir.resolve("text.backup");
    Files.writeString(notABackup, "hello");

    DatabaseUrl target = TestDatabase.empty("restore_damaged");
    assertThatThrownBy(() -> Restore.read(target, truncated)).hasMessageContaining("not a Taskforge backup");
    assertThatThrownBy(() -> Restore.read(target, notABackup)).hasMessageContaining("not a Taskforge backup");
    assertThat(scalar(target, "SELECT count(*) FROM pg_class WHERE relname = 'users'")).isZero();
  }

  @Test
  void neverOverwritesAnExistingFile() throws Exception {
    Path file = dir.resolve("exists.backup");
    Files.writeString(file, "precious");

    assertThatThrownBy(() -> Backup.write(source, file)).hasMessageContaining("already exists");
    assertThat(Files.readString(file)).isEqualTo("precious");
  }

  /** Per table: row count and an order-independent checksum of every column's text. */
  static Map<String, String> checksums(DatabaseUrl url) throws SQLException {
    Map<String, String> sums = new TreeMap<>();
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement()) {
      for (String table : TestDatabase.tables(url)) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) || ' rows ' || coalesce(md5(string_agg(t::text, '|' "
            + "ORDER BY t::text)), '') FROM " + table + " t")) {
          rs.next();
          sums.put(table, rs.getString(1));
        }
      }
    }
    return sums;
  }

  static Map<String, String> sequences(DatabaseUrl url) throws SQLException {
    Map<String, String> values = new TreeMap<>();
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")) {
      while (rs.next()) {
        values.put(rs.getString(1), rs.getString(2));
      }
    }
    return values;
  }

  private static long scalar(DatabaseUrl url, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
