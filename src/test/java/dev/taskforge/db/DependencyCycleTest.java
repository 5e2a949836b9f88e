package dev.taskforge.db;

import static dev.taskforge.db.SchemaFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The database refuses a dependency that would close a cycle (SQLSTATE TF001, the cycle named in
 * the message and given as JSON in the detail), however long the cycle, quickly on dense graphs,
 * and also when two transactions each add half of it at the same time.
 */
class DependencyCycleTest {
  private static SchemaFixture fx;

  @BeforeAll
  static void database() throws SQLException {
    fx = new SchemaFixture(TestDatabase.forClass(DependencyCycleTest.class));
  }

  @AfterAll
  static void close() throws SQLException {
    fx.close();
  }

  @Test
  void aTaskCannotDependOnItself() throws SQLException {
    UUID owner = fx.user();
    UUID task = fx.task(owner);

    PSQLException e = refused(() -> fx.depend(task, task, owner));

    // Bad input rather than a cycle through other tasks: the CHECK constraint answers.
    assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("23514");
    assertThat(edgesOf(owner)).isZero();
  }

  @Test
  void aTwoTaskCycleIsRefusedNamingBothTasks() throws SQLException {
    UUID owner = fx.user();
    UUID a = fx.task(owner);
    UUID b = fx.task(owner);
    fx.depend(a, b, owner);

    PSQLException e = refused(() -> fx.depend(b, a, owner));

    assertThat(e.getSQLState()).isEqualTo("TF001");
    assertThat(e.getServerErrorMessage().getMessage()).isEqualTo("dependency cycle: " + b + " -> " + a + " -> " + b);
    assertThat(cycleIn(e)).containsExactly(b.toString(), a.toString(), b.toString());
    assertThat(edgesOf(owner)).isEqualTo(1);
  }

  @Test
  void aThreeTaskCycleIsRefusedNamingItInOrder() throws SQLException {
    UUID owner = fx.user();
    UUID a = fx.task(owner);
    UUID b = fx.task(owner);
    UUID c = fx.task(owner);
    fx.depend(a, b, owner);
    fx.depend(b, c, owner);

    PSQLException e = refused(() -> fx.depend(c, a, owner));

    assertThat(e.getSQLState()).isEqualTo("TF001");
    assertThat(e.getServerErrorMessage().getMessage())
        .isEqualTo("dependency cycle: " + c + " -> " + a + " -> " + b + " -> " + c);
    assertThat(edgesOf(owner)).isEqualTo(2);
  }

  @Test
  void turningAnExistingEdgeAroundIntoACycleIsRefused() throws SQLException {
    UUID owner = fx.user();
    UUID a = fx.task(owner);
    UUID b = fx.task(owner);
    UUID c = fx.task(owner);
    fx.depend(a, b, owner);
    fx.depend(b, c, owner);

    PSQLException e = refused(() -> fx.update(
        "UPDATE task_dependencies SET depends_on_id = ? WHERE task_id = ? AND depends_on_id = ?", a, b, c));

    assertThat(e.getSQLState()).isEqualTo("TF001");
    assertThat(cycleIn(e)).containsExactly(b.toString(), a.toString(), b.toString());
  }

  @Test
  void aCycleThroughFiveHundredTasksIsRefusedNamingEveryOneButTheChainItselfIsFine() throws SQLException {
    UUID owner = fx.user();
    List<UUID> chain = fx.tasks(owner, 500);
    addEdges(owner, chain, 1); // task i depends on task i + 1

    PSQLException e = refused(() -> fx.depend(chain.get(499), chain.get(0), owner));
    fx.depend(chain.get(0), chain.get(499), owner); // same direction as the chain: no cycle

    assertThat(e.getSQLState()).isEqualTo("TF001");
    List<String> cycle = cycleIn(e);
    assertThat(cycle).hasSize(501).startsWith(chain.get(499).toString()).endsWith(chain.get(499).toString());
    assertThat(cycle.subList(1, 501)).containsExactlyElementsOf(chain.stream().map(UUID::toString).toList());
    assertThat(e.getServerErrorMessage().getMessage()).contains(chain.get(0).toString(), chain.get(250).toString());
    assertThat(edgesOf(owner)).isEqualTo(500);
  }

  @Test
  void inADiamondHeavyGraphAnEdgeThatClosesNoCycleIsAcceptedQuicklyAndOneThatDoesIsRefused() throws SQLException {
    // 20 layers of 20 tasks, each depending on every task of the next layer: 20^19 distinct paths
    // from top to bottom, so only a walk that visits each task once can answer quickly.
    UUID owner = fx.user();
    int layers = 20;
    int width = 20;
    List<List<UUID>> layer = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      layer.add(fx.tasks(owner, width));
    }
    try (PreparedStatement s = fx.db.prepareStatement(
        "INSERT INTO task_dependencies (task_id, depends_on_id, owner_id) VALUES (?, ?, ?)")) {
      for (int i = 0; i < layers - 1; i++) {
        for (UUID upper : layer.get(i)) {
          for (UUID lower : layer.get(i + 1)) {
            s.setObject(1, upper);
            s.setObject(2, lower);
            s.setObject(3, owner);
            s.addBatch();
          }
        }
      }
      s.executeBatch();
    }
    UUID top = layer.get(0).get(0);
    UUID bottom = layer.get(layers - 1).get(width - 1);
    UUID newcomer = fx.task(owner);

    // A walk that followed paths instead of tasks would never end on this graph (20^layers paths);
    // the statement timeout turns that into a failure instead of a hung build. Speed itself is
    // not asserted here.
    try (var guard = fx.db.createStatement()) {
      guard.execute("SET statement_timeout = '60s'");
    }
    fx.depend(newcomer, top, owner); // the walk from top covers the whole graph and finds no way back
    PSQLException closing = refused(() -> fx.depend(bottom, top, owner));
    fx.depend(top, bottom, owner); // a shortcut in the graph's own direction

    assertThat(closing.getSQLState()).isEqualTo("TF001");
    assertThat(cycleIn(closing)).hasSize(layers + 1).first().isEqualTo(bottom.toString());
    assertThat(edgesOf(owner)).isEqualTo((long) (layers - 1) * width * width + 2);
  }

  @Test
  void twoTransactionsEachAddingHalfOfACycleCannotBothCommit() throws Exception {
    UUID owner = fx.user();
    UUID a = fx.task(owner);
    UUID b = fx.task(owner);

    try (Connection first = TestDatabase.connect(fx.url); Connection second = TestDatabase.connect(fx.url)) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      insertEdge(first, a, b, owner); // holds the owner's dependency lock until it commits
      long secondPid = backendPid(second);
      CompletableFuture<Void> otherHalf = CompletableFuture.runAsync(() -> {
        try {
          insertEdge(second, b, a, owner);
          second.commit();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });

      await().atMost(Duration.ofSeconds(10)).until(() -> waitsForAnAdvisoryLock(secondPid));
      first.commit();
      ExecutionException failure = Assertions.assertThrows(ExecutionException.class,
          () -> otherHalf.get(10, TimeUnit.SECONDS));
      second.rollback();

      assertThat(failure.getCause().getCause()).isInstanceOfSatisfying(PSQLException.class,
          e -> assertThat(e.getSQLState()).isEqualTo("TF001"));
    }
    assertThat(fx.texts("SELECT task_id || ' -> ' || depends_on_id FROM task_dependencies WHERE owner_id = ?", owner))
        .containsExactly(a + " -> " + b);
  }

  private static void insertEdge(Connection c, UUID task, UUID dependsOn, UUID owner) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO task_dependencies (task_id, depends_on_id, owner_id) VALUES (?, ?, ?)")) {
      s.setObject(1, task);
      s.setObject(2, dependsOn);
      s.setObject(3, owner);
      s.executeUpdate();
    }
  }

  private static long backendPid(Connection c) throws SQLException {
    try (var s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean waitsForAnAdvisoryLock(long pid) throws SQLException {
    return fx.number("SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock' "
        + "AND wait_event = 'advisory'", (int) pid) == 1;
  }

  /** Edges task(i) -> task(i + step), in order. */
  private static void addEdges(UUID owner, List<UUID> tasks, int step) throws SQLException {
    try (PreparedStatement s = fx.db.prepareStatement(
        "INSERT INTO task_dependencies (task_id, depends_on_id, owner_id) VALUES (?, ?, ?)")) {
      for (int i = 0; i + step < tasks.size(); i++) {
        s.setObject(1, tasks.get(i));
        s.setObject(2, tasks.get(i + step));
        s.setObject(3, owner);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static long edgesOf(UUID owner) throws SQLException {
    return fx.number("SELECT count(*) FROM task_dependencies WHERE owner_id = ?", owner);
  }

  /** The cycle the error names, from its JSON detail. */
  private static List<String> cycleIn(PSQLException e) {
    return new JsonArray(e.getServerErrorMessage().getDetail()).stream().map(Object::toString)
        .collect(Collectors.toList());
  }
}
