package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Full-text search over an execution whose lines lie on both sides of midnight: today's lines (no
 * search index) and a closed day's (indexed) are asked apart and come back as one page in seq order.
 */
class LogSearchTest {
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static final int LINES = 60;
  private static ApiTestServer api;
  private static String token;
  private static UUID execution;

  /** Odd lines logged yesterday, even lines today; every third line holds the needle. */
  @BeforeAll
  static void anExecutionLoggingAcrossMidnight() throws Exception {
    api = new ApiTestServer(LogSearchTest.class);
    token = api.newUserToken("searcher@example.com");
    UUID owner = UUID.fromString(api.get("/api/users/me", token).json().getString("id"));
    execution = Executions.running(api.db, owner);
    OffsetDateTime yesterdayNoon = TODAY.minusDays(1).atTime(12, 0).atOffset(ZoneOffset.UTC);
    OffsetDateTime todayStart = TODAY.atStartOfDay().atOffset(ZoneOffset.UTC);
    TestDatabase.execute(api.db, "SELECT ensure_daily_partitions('execution_logs'::regclass, '" + TODAY.minusDays(1)
        + "'::date, '" + TODAY.plusDays(1) + "'::date)");
    TestDatabase.execute(api.db, """
        INSERT INTO execution_logs (execution_id, seq, logged_at, level, source, message)
        SELECT '%s', n, CASE WHEN n %% 2 = 1 THEN '%s'::timestamptz + n * interval '1 second'
                             ELSE '%s'::timestamptz + n * interval '1 second' END,
               'INFO', 'STDOUT', CASE WHEN n %% 3 = 0 THEN 'found the needle at ' || n ELSE 'hay ' || n END
          FROM generate_series(1, %d) AS n;
        UPDATE task_executions SET log_seq = %d WHERE id = '%s';
        """.formatted(execution, yesterdayNoon, todayStart, LINES, LINES, execution));
    TestDatabase.execute(api.db, "SELECT index_closed_log_days('" + TODAY + "'::date)");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aWordFoundOnBothDaysComesBackInSeqOrder() {
    assertThat(seqs("?q=needle&limit=100")).containsExactlyElementsOf(needles());
  }

  @Test
  void pagesOfASearchFollowEachOtherAcrossTheDays() {
    List<Long> found = new ArrayList<>();
    Long after = 0L;
    while (after != null) {
      JsonObject page = page("?q=needle&limit=4&after=" + after);
      page.getJsonArray("items").forEach(line -> found.add(((JsonObject) line).getLong("seq")));
      assertThat(page.getJsonArray("items").size()).isLessThanOrEqualTo(4);
      after = page.getLong("nextAfter");
    }
    assertThat(found).containsExactlyElementsOf(needles());
  }

  @Test
  void theAnswerStaysTheSameOnceTheStatementsHaveRunManyTimes() {
    // After five runs PostgreSQL may keep a generic plan for a prepared statement.
    for (int i = 0; i < 12; i++) {
      assertThat(seqs("?q=needle&limit=5")).containsExactly(3L, 6L, 9L, 12L, 15L);
      assertThat(seqs("?q=hay%2059&limit=5")).containsExactly(59L);
      assertThat(seqs("?q=hay%2058&limit=5")).containsExactly(58L);
    }
  }

  @Test
  void theClosedDayWasIndexedAndTodayWasNot() throws Exception {
    String indexes;
    try (Connection c = TestDatabase.connect(api.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT string_agg(relname, ',') FROM pg_class WHERE relkind = 'i'"
             + " AND relname LIKE 'execution_logs_p%_search'")) {
      rs.next();
      indexes = rs.getString(1);
    }
    assertThat(indexes).contains("execution_logs_p" + TODAY.minusDays(1).toString().replace("-", "") + "_search")
        .doesNotContain("execution_logs_p" + TODAY.toString().replace("-", "") + "_search");
  }

  @Test
  void mergingTwoPagesKeepsTheFirstInSeqOrder() {
    List<ExecutionLog> closed = lines(1, 4, 5, 9);
    List<ExecutionLog> today = lines(2, 3, 10);

    assertThat(LogSearch.firstInSeqOrder(closed, today, 5)).extracting(ExecutionLog::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(LogSearch.firstInSeqOrder(closed, List.of(), 10)).extracting(ExecutionLog::seq)
        .containsExactly(1L, 4L, 5L, 9L);
    assertThat(LogSearch.firstInSeqOrder(List.of(), today, 2)).extracting(ExecutionLog::seq).containsExactly(2L, 3L);
  }

  private static List<Long> needles() {
    return LongStream.rangeClosed(1, LINES).filter(n -> n % 3 == 0).boxed().toList();
  }

  private static List<ExecutionLog> lines(long... seqs) {
    return LongStream.of(seqs).mapToObj(seq -> new ExecutionLog(execution, seq, OffsetDateTime.now(), LogLevel.INFO,
        LogSource.STDOUT, "line " + seq, null, null, null, null)).toList();
  }

  private static JsonObject page(String query) {
    ApiTestServer.Response r = api.get("/api/executions/" + execution + "/logs" + query, token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  private static List<Long> seqs(String query) {
    return page(query).getJsonArray("items").stream().map(l -> ((JsonObject) l).getLong("seq")).toList();
  }
}
