package dev.taskforge.db;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Row;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Templates parsed once answer as Vert.x's own do, each text with its own parameters, on any connection. */
class TemplatesTest {
  private static RepositoryTestSupport db;

  @BeforeAll
  static void setUp() {
    db = new RepositoryTestSupport(TemplatesTest.class);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aTemplateUsedAgainBindsEachCallsOwnParametersByName() {
    String sum = "SELECT #{a}::int + #{b}::int AS total, #{a}::int AS again";
    for (int i = 0; i < 3; i++) {
      Row row = await(Templates.forQuery(db.pool, sum).execute(Map.of("a", i, "b", 10))).iterator().next();
      assertThat(row.getInteger("total")).isEqualTo(i + 10);
      assertThat(row.getInteger("again")).isEqualTo(i);
    }
    Row other = await(Templates.forQuery(db.pool, "SELECT #{b}::text || #{a}::text AS joined")
        .execute(Map.of("a", "x", "b", "y"))).iterator().next();
    assertThat(other.getString("joined")).isEqualTo("yx");
  }

  @Test
  void theSameTextRunsOnAConnectionInsideATransactionAndAsAnUpdate() {
    await(db.pool.query("CREATE TABLE templates_test (n int)").execute());
    String insert = "INSERT INTO templates_test (n) VALUES (#{n})";
    await(db.pool.withTransaction(conn -> Templates.forUpdate(conn, insert).execute(Map.of("n", 1))
        .compose(v -> Templates.forUpdate(conn, insert).execute(Map.of("n", 2)))));
    await(Templates.forUpdate(db.pool, insert).execute(Map.of("n", 3)));

    Row row = await(Templates.forQuery(db.pool, "SELECT sum(n)::int AS total FROM templates_test WHERE n <= #{max}")
        .execute(Map.of("max", 3))).iterator().next();
    assertThat(row.getInteger("total")).isEqualTo(6);
  }
}
