package dev.taskforge.metrics;

import static dev.taskforge.db.RepositoryTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.taskforge.db.Pools;
import dev.taskforge.db.TestDatabase;
import dev.taskforge.http.ApiTestServer.Response;
import dev.taskforge.http.ApiTestServer;
import dev.taskforge.metrics.MetricQueryPlan.Horizons;
import dev.taskforge.metrics.MetricQueryPlan.Segment;
import dev.taskforge.metrics.MetricQueryPlan.Source;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The metrics query API answers from rollups exactly what the same aggregate over the raw points
 * says (percentiles within a histogram bucket), per group, and only to those allowed to see it.
 */
class MetricQueryApiTest {
  /** Two hours of one point every 7 s for 6 series (3 queues x 2 workers), some hours back. */
  static final Instant START = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));
  static final Instant END = START.plus(Duration.ofHours(2));
  /** Half a bucket of the log-scale histogram: 2^(1/16) wide. */
  static final double BUCKET_ERROR = (Math.pow(2, 1.0 / 16) - 1) / (Math.pow(2, 1.0 / 16) + 1);

  private static ApiTestServer api;
  private static String admin;
  private static String owner;
  private static String stranger;
  private static UUID ownersTask;
  private static UUID ownersProject;

  @BeforeAll
  static void storePoints() throws SQLException {
    api = new ApiTestServer(MetricQueryApiTest.class);
    admin = api.newUserToken("admin@example.com");
    owner = api.newUserToken("owner@example.com");
    stranger = api.newUserToken("stranger@example.com");
    TestDatabase.execute(api.db, "UPDATE users SET role = 'ADMIN' WHERE email = 'admin@example.com'");
    ownersProject = UUID.fromString(api.post("/api/projects", owner, new JsonObject().put("name", "agents")).json()
        .getString("id"));
    ownersTask = UUID.fromString(api.post("/api/tasks", owner, new JsonObject().put("title", "t").put("prompt", "p")
        .put("projectId", ownersProject.toString())).json().getString("id"));
    // Three statements over the same minutes, so rollup rows are merged, not only created.
    for (int part = 0; part < 3; part++) {
      TestDatabase.execute(api.db, """
          INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, worker_id, queue_name, tags)
          SELECT timestamptz '%s' + make_interval(secs => i * 7), 'TIMER', 'test.latency',
                 round((0.1 * exp(2 * sin(i * 0.37 + q * 1.3 + w)))::numeric, 6)::float8, 'seconds',
                 'w' || w, 'q' || q, jsonb_build_object('region', CASE WHEN q = 3 THEN 'us' ELSE 'eu' END)
            FROM generate_series(0, 7200 / 7 - 1) AS i, generate_series(1, 3) AS q, generate_series(1, 2) AS w
           WHERE i %% 3 = %d
          """.formatted(START, part));
    }
    // The owner's execution, measured, with a result: tokens and cost become points too.
    UUID execution = UUID.randomUUID();
    TestDatabase.execute(api.db, """
        INSERT INTO task_executions (id, task_id, attempt_number, status, worker_id) VALUES ('%s', '%s', 1, 'COMPLETED', 'w1');
        INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, execution_id, worker_id)
        SELECT timestamptz '%s' + make_interval(secs => i * 5), 'GAUGE', 'execution.cpu', 10 + i, 'percent', '%s', 'w1'
          FROM generate_series(0, 59) AS i;
        INSERT INTO task_results (task_id, execution_id, tokens_used, input_tokens, output_tokens, cost_estimate, created_at)
        VALUES ('%s', '%s', 1500, 1000, 500, 0.25, now() - interval '1 hour'),
               ('%s', '%s', 500, 400, 100, 0.05, now() - interval '2 hours');
        """.formatted(execution, ownersTask, START, execution, ownersTask, execution, ownersTask, execution));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @ParameterizedTest(name = "{0} at step {1}")
  @CsvSource({"avg,1m", "min,1m", "max,5m", "sum,1h", "count,1h", "avg,2h", "count,10m"})
  void rollupsAnswerWhatTheSameAggregateOverRawPointsSays(String agg, String step) throws SQLException {
    JsonObject result = query("test.latency", agg, step, null, admin);

    assertThat(result.getString("resolution")).isEqualTo(step.endsWith("h") ? "hour" : "minute");
    Map<String, Double> got = points(result.getJsonArray("series").getJsonObject(0));
    Map<String, Double> expected = raw("test.latency", agg, seconds(step), null);
    assertThat(got.keySet()).isEqualTo(expected.keySet());
    expected.forEach((ts, value) -> assertThat(got.get(ts)).as(ts).isCloseTo(value, within(1e-9 * Math.abs(value))));
  }

  @ParameterizedTest(name = "{0} at step {1}")
  @CsvSource({"p50,1m", "p95,5m", "p99,1h", "p95,2h"})
  void rollupPercentilesAreWithinOneHistogramBucketOfTheExactOnes(String agg, String step) throws SQLException {
    Map<String, Double> got = points(query("test.latency", agg, step, null, admin).getJsonArray("series")
        .getJsonObject(0));
    Map<String, Double> exact = raw("test.latency", agg, seconds(step), null);

    assertThat(got.keySet()).isEqualTo(exact.keySet());
    exact.forEach((ts, value) -> assertThat(got.get(ts)).as(ts).isCloseTo(value, within(BUCKET_ERROR * value + 1e-12)));
  }

  @Test
  void stepsThatAreNotWholeMinutesReadRawPointsAndPercentilesAreExact() throws SQLException {
    JsonObject result = query("test.latency", "p95", "90s", null, admin);

    assertThat(result.getString("resolution")).isEqualTo("raw");
    assertThat(points(result.getJsonArray("series").getJsonObject(0))).isEqualTo(raw("test.latency", "p95", 90, null));
  }

  @ParameterizedTest(name = "grouped by {0}")
  @CsvSource({"queue,queue_name", "worker,worker_id", "tag:region,tags ->> 'region'"})
  void eachGroupIsItsOwnSeriesLabelledByItsValue(String groupBy, String column) throws SQLException {
    JsonArray series = query("test.latency", "avg", "10m", groupBy, admin).getJsonArray("series");

    Map<String, Map<String, Double>> expected = new TreeMap<>();
    for (String label : labels(column)) {
      expected.put(label, raw("test.latency", "avg", 600, column + " = '" + label + "'"));
    }
    String labelName = groupBy.startsWith("tag:") ? groupBy.substring(4) : groupBy;
    assertThat(series).hasSize(expected.size());
    for (Object s : series) {
      JsonObject one = (JsonObject) s;
      Map<String, Double> want = expected.get(one.getJsonObject("labels").getString(labelName));
      assertThat(want).as(one.getJsonObject("labels").encode()).isNotNull();
      Map<String, Double> got = points(one);
      assertThat(got.keySet()).isEqualTo(want.keySet());
      want.forEach((ts, v) -> assertThat(got.get(ts)).isCloseTo(v, within(1e-9 * v)));
    }
  }

  @Test
  void aQueueOrWorkerNarrowsTheSeries() throws SQLException {
    Response r = api.get("/api/metrics/query?name=test.latency&agg=count&step=1h&queue=q2&worker=w1&from="
        + enc(START) + "&to=" + enc(END), admin);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(points(r.json().getJsonArray("series").getJsonObject(0)))
        .isEqualTo(raw("test.latency", "count", 3600, "queue_name = 'q2' AND worker_id = 'w1'"));
  }

  @Test
  void aUserReadsOnlyTheMetricsOfTheirOwnExecutions() {
    assertThat(query("test.latency", "count", "1h", null, owner).getJsonArray("series")).isEmpty();
    assertThat(query("execution.cpu", "max", "1h", null, stranger).getJsonArray("series")).isEmpty();
    JsonObject own = query("execution.cpu", "max", "1h", null, owner);
    assertThat(own.getJsonArray("series").getJsonObject(0).getJsonArray("points").getJsonArray(0).getDouble(1))
        .isEqualTo(69.0);

    assertThat(names(owner)).contains("execution.cpu", "execution.tokens", "execution.cost")
        .doesNotContain("test.latency");
    assertThat(names(stranger)).isEmpty();
    assertThat(names(admin)).contains("execution.cpu", "test.latency");
  }

  @Test
  void tokensAndCostAreQueryablePerTaskAndPerProject() {
    String range = "&from=" + enc(Instant.now().minus(Duration.ofDays(1))) + "&to=" + enc(Instant.now());
    Response perTask = api.get("/api/metrics/query?name=execution.tokens&agg=sum&step=1d&taskId=" + ownersTask
        + range, owner);
    Response perProject = api.get("/api/metrics/query?name=execution.cost&agg=sum&step=1d&projectId=" + ownersProject
        + range, owner);
    Response othersProject = api.get("/api/metrics/query?name=execution.cost&agg=sum&step=1d&projectId="
        + ownersProject + range, stranger);

    assertThat(sumOf(perTask.json())).isEqualTo(2000.0);
    assertThat(sumOf(perProject.json())).isCloseTo(0.30, within(1e-9));
    assertThat(othersProject.json().getJsonArray("series")).isEmpty();
  }

  @Test
  void aProjectsUsageSumsTokensAndCostOfItsResultsInTheRange() {
    Response all = api.get("/api/projects/" + ownersProject + "/usage", owner);
    Response lastNinetyMinutes = api.get("/api/projects/" + ownersProject + "/usage?from="
        + enc(Instant.now().minus(Duration.ofMinutes(90))), owner);

    assertThat(all.status()).as(all.text()).isEqualTo(200);
    JsonObject total = all.json().getJsonObject("total");
    assertThat(total.getLong("tokens")).isEqualTo(2000);
    assertThat(total.getLong("inputTokens")).isEqualTo(1400);
    assertThat(total.getLong("outputTokens")).isEqualTo(600);
    assertThat(total.getDouble("costUsd")).isCloseTo(0.30, within(1e-9));
    assertThat(total.getLong("executions")).isEqualTo(1);
    assertThat(all.json().getJsonArray("tasks").getJsonObject(0).getString("taskId")).isEqualTo(ownersTask.toString());
    assertThat(lastNinetyMinutes.json().getJsonObject("total").getLong("tokens")).isEqualTo(1500);
    assertThat(api.get("/api/projects/" + ownersProject + "/usage", stranger).status()).isEqualTo(404);
    assertThat(api.get("/api/projects/" + ownersProject + "/usage?from=yesterday", owner).status()).isEqualTo(400);
  }

  @ParameterizedTest(name = "{1} -> 400 naming {0}")
  @CsvSource(delimiter = '|', value = {
      "name|agg=avg",
      "from|name=x&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
      "from|name=x&from=yesterday",
      "step|name=x&step=10x",
      "step|name=x&step=0",
      "step|name=x&step=1s&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
      "agg|name=x&agg=median",
      "groupBy|name=x&groupBy=colour",
      "taskId|name=x&taskId=not-a-uuid",
      "bogus|name=x&bogus=1"})
  void badParametersAreA400NamingTheParameter(String field, String queryString) {
    Response r = api.get("/api/metrics/query?" + queryString, admin);

    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().getJsonObject("error").getString("field")).as(r.text()).isEqualTo(field);
  }

  @Test
  void aQuerySpanningRawAndRollupRangesTakesEachStepFromOneSource() throws SQLException {
    // Raw points kept only from START + 1 h: the first hour comes from the minute rollup.
    Instant rawFrom = START.plus(Duration.ofHours(1)).plusSeconds(25);
    List<Segment> segments = MetricQueryPlan.segments(START, END, 30,
        new Horizons(rawFrom, START.minus(Duration.ofDays(1)), START.minus(Duration.ofDays(2))));
    assertThat(segments).extracting(Segment::source).containsExactly(Source.RAW, Source.MINUTE);
    assertThat(segments.get(0).from()).isEqualTo(START.plus(Duration.ofHours(1)).plusSeconds(60));

    Pool pool = Pools.create(api.vertx, api.db, 2, "test");
    try {
      MetricQuery query = new MetricQuery("test.latency", START, END, 30, MetricQuery.Aggregation.SUM, null, null,
          null, null, null, null);
      TreeMap<Instant, Double> points = await(new MetricQueries(pool).run(query, segments, UUID.randomUUID(), true))
          .get(0).points();

      Map<String, Double> rawPart = raw("test.latency", "sum", 30, "recorded_at >= '" + segments.get(0).from() + "'");
      Map<String, Double> minutePart = raw("test.latency", "sum", 60, "recorded_at < '" + segments.get(0).from() + "'");
      assertThat(points.headMap(segments.get(0).from()).keySet()).allMatch(t -> t.getEpochSecond() % 60 == 0);
      Map<String, Double> got = new TreeMap<>();
      points.forEach((t, v) -> got.put(t.toString(), v));
      Map<String, Double> expected = new TreeMap<>(minutePart);
      expected.putAll(rawPart);
      assertThat(got.keySet()).isEqualTo(expected.keySet());
      expected.forEach((ts, v) -> assertThat(got.get(ts)).as(ts + " got " + got + " expected " + expected)
          .isCloseTo(v, within(1e-9 * v)));
    } finally {
      await(pool.close());
    }
  }

  @Test
  void anAdminSeesEveryQueuesHealthAndAUserOnlyTheCountsOfTheirOwnJobs() {
    TestDatabase.execute(api.db, """
        INSERT INTO queue_health (queue_name, recorded_at, waiting, active, status)
        VALUES ('gpu', now() - interval '1 minute', 9, 1, 'STALLED'), ('gpu', now(), 2, 1, 'OK')
        """);
    // Nobody serves gpu: the owner's job there waits.
    assertThat(api.post("/api/tasks", owner, new JsonObject().put("title", "g").put("prompt", "p")
        .put("config", new JsonObject().put("queue", "gpu"))).status()).isEqualTo(201);

    JsonObject adminsGpu = queue(admin, "gpu").orElseThrow();
    JsonObject ownersGpu = queue(owner, "gpu").orElseThrow();

    assertThat(adminsGpu.getJsonObject("health").getString("status")).isEqualTo("OK");
    assertThat(adminsGpu.getJsonObject("health").getInteger("waiting")).isEqualTo(2);
    assertThat(ownersGpu.getValue("health")).isNull();
    assertThat(ownersGpu.getString("status")).isEqualTo("OK");
    assertThat(ownersGpu.getJsonObject("jobs")).isEqualTo(new JsonObject().put("waiting", 1).put("scheduled", 0)
        .put("running", 0));
    assertThat(queue(stranger, "gpu")).as("a queue holding none of the stranger's jobs").isEmpty();
  }

  private static Optional<JsonObject> queue(String token, String name) {
    Response r = api.get("/api/queues", token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(q -> q.getString("name").equals(name)).findFirst();
  }

  // --- helpers

  private static JsonObject query(String name, String agg, String step, String groupBy, String token) {
    Response r = api.get("/api/metrics/query?name=" + name + "&agg=" + agg + "&step=" + step
        + (groupBy == null ? "" : "&groupBy=" + groupBy) + "&from=" + enc(START) + "&to=" + enc(END), token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  private static List<String> names(String token) {
    return api.get("/api/metrics/names", token).json().getJsonArray("items").stream()
        .map(n -> ((JsonObject) n).getString("name")).toList();
  }

  private static double sumOf(JsonObject result) {
    return result.getJsonArray("series").stream().flatMap(s -> ((JsonObject) s).getJsonArray("points").stream())
        .mapToDouble(p -> ((JsonArray) p).getDouble(1)).sum();
  }

  private static Map<String, Double> points(JsonObject series) {
    Map<String, Double> points = new TreeMap<>();
    for (Object p : series.getJsonArray("points")) {
      points.put(((JsonArray) p).getString(0), ((JsonArray) p).getDouble(1));
    }
    return points;
  }

  private static long seconds(String step) {
    return MetricQuery.step(step);
  }

  private static String enc(Instant t) {
    return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
  }

  private static List<String> labels(String column) throws SQLException {
    try (Connection c = TestDatabase.connect(api.db);
        ResultSet rs = c.createStatement().executeQuery("SELECT DISTINCT " + column
            + " FROM system_metrics WHERE metric_name = 'test.latency' ORDER BY 1")) {
      List<String> labels = new ArrayList<>();
      while (rs.next()) {
        labels.add(rs.getString(1));
      }
      return labels;
    }
  }

  /** The aggregate per step computed straight over the raw points, as the rollups must answer it. */
  private static Map<String, Double> raw(String name, String agg, long step, String where) throws SQLException {
    String expression = switch (agg) {
      case "p50" -> "percentile_disc(0.5) WITHIN GROUP (ORDER BY value)";
      case "p95" -> "percentile_disc(0.95) WITHIN GROUP (ORDER BY value)";
      case "p99" -> "percentile_disc(0.99) WITHIN GROUP (ORDER BY value)";
      case "count" -> "count(*)::float8";
      default -> agg + "(value)";
    };
    String sql = "SELECT date_bin(make_interval(secs => " + step + "), recorded_at, timestamptz 'epoch') AS ts, "
        + expression + " FROM system_metrics WHERE metric_name = ? AND recorded_at >= ? AND recorded_at < ?"
        + (where == null ? "" : " AND " + where) + " GROUP BY 1 ORDER BY 1";
    try (Connection c = TestDatabase.connect(api.db); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, name);
      s.setObject(2, START.atOffset(ZoneOffset.UTC));
      s.setObject(3, END.atOffset(ZoneOffset.UTC));
      Map<String, Double> points = new TreeMap<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          points.put(rs.getObject(1, OffsetDateTime.class).toInstant().toString(), rs.getDouble(2));
        }
      }
      return points;
    }
  }
}
