package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.seed.DevelopmentSeed;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The migrations go up, come down and go up again, also on a database full of data. */
class MigrationsTest {

  @Test
  void upDownUpOnADatabaseHoldingSeedData() throws Exception {
    DatabaseUrl url = TestDatabase.empty("updownup");
    Migrations migrations = new Migrations(url);
    String latest = migrations.migrate();
    DevelopmentSeed.run(url);
    Map<String, Long> seeded = rowCounts(url);
    assertThat(seeded.values()).allMatch(count -> count > 0);

    List<String> reversed = migrations.downTo(0);

    assertThat(reversed).hasSize(versions(migrations).size()).first().isEqualTo(latest);
    assertThat(userObjects(url)).isEmpty();
    assertThat(migrations.currentVersion()).isEmpty();

    assertThat(migrations.migrate()).isEqualTo(latest);
    DevelopmentSeed.run(url);
    assertThat(rowCounts(url).keySet()).isEqualTo(seeded.keySet());
  }

  @Test
  void eachReverseScriptUndoesExactlyItsOwnMigration() throws Exception {
    DatabaseUrl url = TestDatabase.empty("stepwise");
    Migrations migrations = new Migrations(url);
    migrations.migrate();
    List<String> fullSchema = userObjects(url);

    // Versions need not be consecutive (branches merge their migrations in any order).
    List<String> versions = versions(migrations);
    for (int i = versions.size() - 1; i >= 0; i--) {
      String below = i == 0 ? "0" : versions.get(i - 1);
      assertThat(migrations.downTo(Integer.parseInt(below))).containsExactly(versions.get(i));
      assertThat(migrations.currentVersion().orElse("0")).isEqualTo(below);
    }
    assertThat(userObjects(url)).isEmpty();
    migrations.migrate();
    assertThat(userObjects(url)).isEqualTo(fullSchema);
  }

  @Test
  void statusListsAppliedAndPendingVersionsAndEveryOneIsReversible() {
    DatabaseUrl url = TestDatabase.empty("status");
    Migrations migrations = new Migrations(url);
    String latest = migrations.latestKnownVersion();

    assertThat(migrations.status()).allMatch(step -> step.state().equals("PENDING")).allMatch(Migrations.Step::reversible);
    migrations.migrate();
    migrations.downTo(Integer.parseInt(latest) - 1);

    List<Migrations.Step> steps = migrations.status();
    assertThat(steps).last().extracting(Migrations.Step::state).isEqualTo("PENDING");
    assertThat(steps.subList(0, steps.size() - 1)).allMatch(step -> step.state().equals("APPLIED"));
  }

  @Test
  void downToAVersionAboveTheCurrentOneChangesNothing() {
    DatabaseUrl url = TestDatabase.forClass(MigrationsTest.class);
    Migrations migrations = new Migrations(url);
    String latest = migrations.currentVersion().orElseThrow();

    assertThat(migrations.downTo(Integer.parseInt(latest) + 5)).isEmpty();
    assertThat(migrations.currentVersion()).contains(latest);
    assertThatThrownBy(() -> migrations.downTo(-1)).hasMessageContaining("0 or more");
  }

  /** Every version this build knows, oldest first. */
  private static List<String> versions(Migrations migrations) {
    return migrations.status().stream().map(Migrations.Step::version).toList();
  }

  /** Tables, views, sequences, types and functions of schema public, the history table aside. */
  static List<String> userObjects(DatabaseUrl url) throws SQLException {
    String sql = """
        SELECT c.relkind::text || ' ' || c.relname FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relname NOT LIKE 'flyway_schema_history%'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        UNION ALL
        SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
        UNION ALL
        SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        ORDER BY 1
        """;
    List<String> objects = new ArrayList<>();
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        objects.add(rs.getString(1));
      }
    }
    return objects;
  }

  static Map<String, Long> rowCounts(DatabaseUrl url) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = TestDatabase.connect(url); Statement s = c.createStatement()) {
      for (String table : TestDatabase.tables(url)) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    }
    return counts;
  }
}
