package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What the pools' connections are set up to do, as the database reports it. */
class PoolsTest {
  private static final Vertx vertx = Vertx.vertx();
  private static final DatabaseUrl url = TestDatabase.forClass(PoolsTest.class);

  @AfterAll
  static void close() throws Exception {
    RepositoryTestSupport.await(vertx.close());
  }

  @Test
  void aPoolForFixedStatementsPlansEachStatementOnce() {
    Pool fixed = Pools.createForFixedStatements(vertx, url, 1, "fixed");

    assertThat(setting(fixed, "plan_cache_mode")).isEqualTo("force_generic_plan");
    fixed.close();
  }

  @Test
  void anApiPoolLeavesPlanningToPostgresAndBoundsEveryStatement() {
    Pool api = Pools.create(vertx, url, 1, "api", 1500);

    assertThat(setting(api, "plan_cache_mode")).isEqualTo("auto");
    assertThat(setting(api, "statement_timeout")).isEqualTo("1500ms");
    api.close();
  }

  private static String setting(Pool pool, String name) {
    return RepositoryTestSupport.await(pool.query("SHOW " + name).execute()).iterator().next().getString(0);
  }
}
