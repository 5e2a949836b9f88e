package dev.taskforge.db.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Migrations;
import dev.taskforge.db.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/**
 * {@code backup FILE} and {@code restore FILE} on a real PostgreSQL: every row, key, partition and
 * sequence of every table comes back, and every way a restore can be refused leaves the target as
 * it was.
 */
class BackupRestoreTest {
  @TempDir
  static Path dir;

  private static DatabaseUrl source;
  private static Path backup;
  private static DatabaseFingerprint original;

  @BeforeAll
  static void fillEveryTableAndBackItUp() throws Exception {
    source = TestDatabase.forClass(BackupRestoreTest.class);
    BackupFixture.load(source);
    original = DatabaseFingerprint.of(source);
    backup = dir.resolve("source.tfbak");
    String summary = Backup.write(source, backup);

    assertThat(summary).contains("backup written to " + backup, TestDatabase.tables(source).size() + " tables",
        "4 sequences", "schema version " + new Migrations(source).currentVersion().orElseThrow());
  }

  @Test
  void theFixtureFillsEveryTable() {
    assertThat(original.tables()).hasSizeGreaterThanOrEqualTo(17)
        .allSatisfy((table, sum) -> assertThat(sum).as(table).doesNotStartWith("0 rows"));
  }

  @Test
  void restoringIntoADatabaseWithoutSchemaGivesBackEveryRowPartitionAndSequence() throws Exception {
    DatabaseUrl target = TestDatabase.empty("restore_fresh");

    String summary = Restore.read(target, backup);

    assertThat(summary).contains("restored " + backup, original.tables().size() + " tables");
    DatabaseFingerprint restored = DatabaseFingerprint.of(target);
    assertThat(restored.tables()).isEqualTo(original.tables());
    assertThat(restored.sequences()).isEqualTo(original.sequences());
    assertThat(restored.rowsPerRelation()).isEqualTo(original.rowsPerRelation())
        .containsKeys("system_metrics_p20210601", "execution_logs_2019", "execution_logs_default");
    assertThat(new Migrations(target).currentVersion()).isEqualTo(new Migrations(source).currentVersion());
  }

  @Test
  void restoringIntoAnEmptyMigratedDatabaseWorksToo() throws Exception {
    DatabaseUrl target = TestDatabase.forClass(BackupRestoreTest.class);

    Restore.read(target, backup);

    DatabaseFingerprint restored = DatabaseFingerprint.of(target);
    assertThat(restored.tables()).isEqualTo(original.tables());
    assertThat(restored.sequences()).isEqualTo(original.sequences());
  }

  @Test
  void aRestoredDatabaseHandsOutFreshIdsAndKeepsItsTriggersArmed() throws Exception {
    DatabaseUrl target = TestDatabase.empty("restore_ids");
    Restore.read(target, backup);

    assertThat(scalar(target, "INSERT INTO queue_jobs (task_id) VALUES ('00000000-0000-4000-8000-000000000404') "
        + "RETURNING id")).isEqualTo(7);
    assertThat(scalar(target, "INSERT INTO queue_health (queue_name, status) VALUES ('q', 'OK') RETURNING id"))
        .isEqualTo(50);
    assertThat(scalar(target, "INSERT INTO system_metrics (metric_type, metric_name, value) VALUES ('GAUGE', 'm', 1) "
        + "RETURNING id")).isEqualTo(1001);
    assertThat(scalar(target, "UPDATE tasks SET title = 'renamed' WHERE id = '00000000-0000-4000-8000-000000000404' "
        + "RETURNING version")).isEqualTo(2);
    PSQLException cycle = refused(target, "INSERT INTO task_dependencies (task_id, depends_on_id, owner_id) VALUES "
        + "('00000000-0000-4000-8000-000000000403', '00000000-0000-4000-8000-000000000401', "
        + "'00000000-0000-4000-8000-000000000001')");
    assertThat(cycle.getSQLState()).isEqualTo("TF001");
    assertThat(triggers(target)).isEqualTo(triggers(source)).isNotEmpty();
  }

  @Test
  void aBackupTakenWhileJobsAreWrittenIsOneSnapshotThatRestores() throws Exception {
    DatabaseUrl busy = TestDatabase.forClass(BackupRestoreTest.class);
    BackupFixture.load(busy);
    Path file = dir.resolve("busy.tfbak");
    try (ConcurrentJobWriter writer = ConcurrentJobWriter.start(busy)) {
      writer.awaitCommits(20);
      Backup.write(busy, file);
      writer.awaitCommits(writer.commits() + 20);
    }
    DatabaseUrl target = TestDatabase.empty("restore_busy");

    Restore.read(target, file);

    assertThat(scalar(target, "SELECT count(*) FROM queue_jobs WHERE queue_name = 'concurrent'")).isPositive();
    assertThat(scalar(target, "SELECT count(*) FROM queue_jobs j WHERE queue_name = 'concurrent' "
        + "AND NOT EXISTS (SELECT 1 FROM job_attempts a WHERE a.job_id = j.id)")).isZero();
  }

  @Test
  void restoringIntoADatabaseThatHoldsRowsNamesTheTableAndChangesNothing() throws Exception {
    DatabaseUrl target = TestDatabase.forClass(BackupRestoreTest.class);
    TestDatabase.execute(target, "INSERT INTO queue_health (queue_name, status) VALUES ('already here', 'OK')");
    DatabaseFingerprint before = DatabaseFingerprint.of(target);

    assertThatThrownBy(() -> Restore.read(target, backup))
        .hasMessageContaining("table queue_health already holds rows")
        .hasMessageContaining("nothing was loaded");
    assertThatThrownBy(() -> Restore.read(source, backup)).hasMessageContaining("already holds rows");

    assertThat(DatabaseFingerprint.of(target)).isEqualTo(before);
    assertThat(DatabaseFingerprint.of(source)).isEqualTo(original);
  }

  @Test
  void aTruncatedFileOrOneThatIsNoBackupIsRefusedBeforeTheDatabaseIsTouched() throws Exception {
    byte[] bytes = Files.readAllBytes(backup);
    Path truncated = Files.write(dir.resolve("truncated.tfbak"), Arrays.copyOf(bytes, bytes.length / 2));
    Path text = Files.writeString(dir.resolve("text.tfbak"), "hello");
    Path foreignZip = TamperedBackup.of(backup).replace(BackupManifest.ENTRY_NAME, "{\"format\": \"other\"}")
        .writeTo(dir.resolve("foreign.tfbak"));
    DatabaseUrl target = TestDatabase.empty("restore_truncated");

    assertThatThrownBy(() -> Restore.read(target, truncated)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(truncated + " is not a Taskforge backup, or it is truncated");
    assertThatThrownBy(() -> Restore.read(target, text)).hasMessageContaining("not a Taskforge backup");
    assertThatThrownBy(() -> Restore.read(target, foreignZip)).hasMessageContaining("not a Taskforge backup");
    assertThatThrownBy(() -> Restore.read(target, dir.resolve("missing.tfbak")))
        .hasMessageContaining("cannot read").hasMessageContaining("missing.tfbak");
    assertHasNoSchema(target);
  }

  @Test
  void rowsChangedInTheFileAreRefusedNamingTheTable() throws Exception {
    TamperedBackup tampered = TamperedBackup.of(backup);
    String users = tampered.text("tables/users.copy");
    Path file = tampered.replace("tables/users.copy", users.replace("ada@example.com", "eve@example.com"))
        .writeTo(dir.resolve("tampered.tfbak"));
    DatabaseUrl target = TestDatabase.empty("restore_tampered");

    assertThatThrownBy(() -> Restore.read(target, file))
        .hasMessageContaining("is damaged: the rows of table users do not match their checksum")
        .hasMessageContaining("nothing was loaded");
    assertHasNoSchema(target);
  }

  @Test
  void aBackupOfANewerSchemaOrFormatIsRefused() throws Exception {
    Path newerSchema = TamperedBackup.of(backup).editManifest(m -> m.put("schemaVersion", "999"))
        .writeTo(dir.resolve("newer-schema.tfbak"));
    Path newerFormat = TamperedBackup.of(backup).editManifest(m -> m.put("formatVersion", 2))
        .writeTo(dir.resolve("newer-format.tfbak"));
    DatabaseUrl target = TestDatabase.empty("restore_newer");

    assertThatThrownBy(() -> Restore.read(target, newerSchema))
        .hasMessageContaining("the backup is at schema version 999")
        .hasMessageContaining("restore it with a newer Taskforge");
    assertThatThrownBy(() -> Restore.read(target, newerFormat)).hasMessageContaining("backup format 2");
    assertHasNoSchema(target);
  }

  @Test
  void namesAndBoundsInTheManifestNeverBecomeSqlTheyAreRefusedBeforeTheDatabaseIsTouched() throws Exception {
    Path evilBound = TamperedBackup.of(backup).editManifest(m -> partitioned(m).getJsonObject("partitions")
            .put("system_metrics_p20990101", "DEFAULT; DROP TABLE users; --"))
        .writeTo(dir.resolve("evil-bound.tfbak"));
    Path evilColumn = TamperedBackup.of(backup).editManifest(m -> partitioned(m).getJsonArray("columns")
            .set(0, "id\" FROM STDIN; DROP TABLE users; --"))
        .writeTo(dir.resolve("evil-column.tfbak"));
    Path foreignPartition = TamperedBackup.of(backup).editManifest(m -> partitioned(m).getJsonObject("partitions")
            .put("users_shadow", "DEFAULT"))
        .writeTo(dir.resolve("foreign-partition.tfbak"));
    Path evilSequence = TamperedBackup.of(backup).editManifest(m -> m.getJsonArray("sequences").getJsonObject(0)
            .put("name", "x'); DROP TABLE users; --"))
        .writeTo(dir.resolve("evil-sequence.tfbak"));
    DatabaseUrl target = TestDatabase.empty("restore_no_sql_from_file");

    assertThatThrownBy(() -> Restore.read(target, evilBound))
        .hasMessageContaining("partition system_metrics_p20990101").hasMessageContaining("nothing was loaded");
    assertThatThrownBy(() -> Restore.read(target, evilColumn)).hasMessageContaining("column name");
    assertThatThrownBy(() -> Restore.read(target, foreignPartition)).hasMessageContaining("partition users_shadow");
    assertThatThrownBy(() -> Restore.read(target, evilSequence)).hasMessageContaining("sequence name");
    assertHasNoSchema(target);
  }

  /** The manifest's entry of the partitioned table of metric points. */
  private static JsonObject partitioned(JsonObject manifest) {
    return manifest.getJsonArray("tables").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals("system_metrics")).findFirst().orElseThrow();
  }

  @Test
  void aLoadThatFailsHalfwayLeavesTheDatabaseWithoutSchemaAsItWas() throws Exception {
    TamperedBackup tampered = TamperedBackup.of(backup);
    String users = tampered.text("tables/users.copy");
    String firstRow = users.substring(0, users.indexOf('\n') + 1);
    Path file = tampered.replaceRowsConsistently("users", users + firstRow).writeTo(dir.resolve("duplicate.tfbak"));
    DatabaseUrl target = TestDatabase.empty("restore_halfway");

    assertThatThrownBy(() -> Restore.read(target, file))
        .hasMessageContaining("loading the rows failed")
        .hasMessageContaining("duplicate key")
        .hasMessageContaining("nothing was loaded")
        .hasMessageContaining("was reversed");
    assertHasNoSchema(target);
  }

  @Test
  void backupNeverOverwritesAFileAndLeavesNoPartialFileBehind() throws Exception {
    Path existing = Files.writeString(dir.resolve("precious.tfbak"), "precious");
    DatabaseUrl noSchema = TestDatabase.empty("backup_no_schema");
    Path refused = dir.resolve("no-schema.tfbak");

    assertThatThrownBy(() -> Backup.write(source, existing)).hasMessageContaining("already exists");
    assertThatThrownBy(() -> Backup.write(source, dir.resolve("no/such/dir.tfbak")))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Backup.write(noSchema, refused)).hasMessageContaining("has no Taskforge schema");

    assertThat(Files.readString(existing)).isEqualTo("precious");
    assertThat(refused).doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
    }
  }

  private static void assertHasNoSchema(DatabaseUrl url) throws SQLException {
    assertThat(new Migrations(url).currentVersion()).isEmpty();
    assertThat(scalar(url, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') AND c.relname <> 'flyway_schema_history'"))
        .isZero();
  }

  private static List<String> triggers(DatabaseUrl url) throws SQLException {
    List<String> triggers = new ArrayList<>();
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT tgrelid::regclass || '.' || tgname || ' ' || tgenabled::text FROM pg_trigger "
             + "WHERE NOT tgisinternal ORDER BY 1")) {
      while (rs.next()) {
        triggers.add(rs.getString(1));
      }
    }
    return triggers;
  }

  private static long scalar(DatabaseUrl url, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static PSQLException refused(DatabaseUrl url, String sql) {
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (PSQLException e) {
      return e;
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected PostgreSQL to refuse: " + sql);
  }
}
