package dev.taskforge.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.executions.TaskExecution;
import dev.taskforge.logs.ExecutionLog;
import dev.taskforge.metrics.MetricRollup;
import dev.taskforge.metrics.MetricSampler;
import dev.taskforge.metrics.MetricSeries;
import dev.taskforge.metrics.SystemMetric;
import dev.taskforge.projects.Project;
import dev.taskforge.queue.JobAttempt;
import dev.taskforge.queue.QueueHealth;
import dev.taskforge.queue.QueueJob;
import dev.taskforge.queue.QueuePause;
import dev.taskforge.queue.Task;
import dev.taskforge.results.ResultFile;
import dev.taskforge.results.TaskResult;
import dev.taskforge.seed.DevelopmentSeed;
import dev.taskforge.tasks.TaskDependency;
import dev.taskforge.users.ApiToken;
import dev.taskforge.users.Invite;
import dev.taskforge.users.ThrottleWindow;
import dev.taskforge.users.User;
import dev.taskforge.users.UserSession;
import dev.taskforge.workflows.Workflow;
import dev.taskforge.workflows.WorkflowExecution;
import dev.taskforge.workflows.WorkflowRunStep;
import dev.taskforge.workflows.WorkflowStep;
import dev.taskforge.workflows.WorkflowTrigger;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every table has a record, and every record matches its table: a column without a field, a
 * field without a column, a Java type that does not fit the column's type, or a Java enum whose
 * constants differ from the PostgreSQL enum's labels fails the build.
 */
class SchemaDriftTest {
  /** Each table and the record one of its rows maps to. */
  static final Map<String, Class<? extends Record>> RECORDS = new LinkedHashMap<>();

  static {
    RECORDS.put("users", User.class);
    RECORDS.put("user_sessions", UserSession.class);
    RECORDS.put("api_tokens", ApiToken.class);
    RECORDS.put("invites", Invite.class);
    RECORDS.put("login_throttles", ThrottleWindow.class);
    RECORDS.put("projects", Project.class);
    RECORDS.put("tasks", Task.class);
    RECORDS.put("task_dependencies", TaskDependency.class);
    RECORDS.put("queue_jobs", QueueJob.class);
    RECORDS.put("job_attempts", JobAttempt.class);
    RECORDS.put("queue_health", QueueHealth.class);
    RECORDS.put("queue_pauses", QueuePause.class);
    RECORDS.put("task_executions", TaskExecution.class);
    RECORDS.put("execution_logs", ExecutionLog.class);
    RECORDS.put("task_results", TaskResult.class);
    RECORDS.put("result_files", ResultFile.class);
    RECORDS.put("system_metrics", SystemMetric.class);
    RECORDS.put("metric_series", MetricSeries.class);
    RECORDS.put("metric_rollups", MetricRollup.class);
    RECORDS.put("metric_samplers", MetricSampler.class);
    RECORDS.put("workflows", Workflow.class);
    RECORDS.put("workflow_steps", WorkflowStep.class);
    RECORDS.put("workflow_executions", WorkflowExecution.class);
    RECORDS.put("workflow_run_steps", WorkflowRunStep.class);
    RECORDS.put("workflow_triggers", WorkflowTrigger.class);
  }

  /** Columns deliberately not in their record, each with its reason. */
  static final Map<String, String> UNMAPPED_COLUMNS = Map.of(
      "tasks.search", "the generated full-text document; only SQL reads it (ranking, @@ matches)");

  private static DatabaseUrl db;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void seededDatabase() {
    db = TestDatabase.forClass(SchemaDriftTest.class);
    DevelopmentSeed.run(db);
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 2, "drift-test");
  }

  @AfterAll
  static void close() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  record Column(String name, String dataType, String udtName, boolean nullable) {}

  @Test
  void everyTableAndViewOfTheSchemaHasARecord() throws SQLException {
    List<String> relations = new ArrayList<>(TestDatabase.tables(db));
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT viewname FROM pg_views WHERE schemaname = 'public'")) {
      while (rs.next()) {
        relations.add(rs.getString(1));
      }
    }
    assertThat(RECORDS.keySet()).containsExactlyInAnyOrderElementsOf(relations);
  }

  static Stream<Arguments> records() {
    return RECORDS.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0} and {1} have the same fields")
  @MethodSource("records")
  void recordComponentsAndColumnsMatchOneToOne(String table, Class<? extends Record> record) throws SQLException {
    List<String> columns = columns(table).stream().map(Column::name)
        .filter(c -> !UNMAPPED_COLUMNS.containsKey(table + "." + c)).toList();
    List<String> fields = Arrays.stream(record.getRecordComponents())
        .map(rc -> snakeCase(rc.getName())).toList();

    assertThat(fields).as("fields of %s in column order of %s", record.getSimpleName(), table)
        .containsExactlyElementsOf(columns);
  }

  @ParameterizedTest(name = "{0} and {1} have matching types")
  @MethodSource("records")
  void everyFieldTypeFitsItsColumnType(String table, Class<? extends Record> record) throws SQLException {
    Map<String, Column> columns = new LinkedHashMap<>();
    columns(table).forEach(c -> columns.put(c.name(), c));
    List<String> mismatches = new ArrayList<>();
    for (RecordComponent rc : record.getRecordComponents()) {
      Column column = columns.get(snakeCase(rc.getName()));
      String why = column == null ? null : mismatch(rc.getGenericType(), column);
      if (why != null) {
        mismatches.add(rc.getName() + " is " + rc.getGenericType().getTypeName() + " but " + table + "." + column.name()
            + " is " + column.dataType() + " (" + column.udtName() + "): " + why);
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void everyColumnLeftOutOfItsRecordStillExists() throws SQLException {
    for (String column : UNMAPPED_COLUMNS.keySet()) {
      String[] tableAndColumn = column.split("\\.");
      assertThat(columns(tableAndColumn[0])).extracting(Column::name).as("columns of " + tableAndColumn[0])
          .contains(tableAndColumn[1]);
    }
  }

  @Test
  void everyEnumOfTheSchemaIsAJavaEnumOfSomeRecord() throws SQLException {
    Set<String> mapped = new TreeSet<>();
    for (var entry : RECORDS.entrySet()) {
      Map<String, Column> columns = new LinkedHashMap<>();
      columns(entry.getKey()).forEach(c -> columns.put(c.name(), c));
      for (RecordComponent rc : entry.getValue().getRecordComponents()) {
        Column column = columns.get(snakeCase(rc.getName()));
        if (column != null && rc.getType().isEnum()) {
          mapped.add(column.udtName());
        }
      }
    }

    assertThat(mapped).containsExactlyInAnyOrderElementsOf(enumTypes());
  }

  @ParameterizedTest(name = "every {0} row maps to {1}")
  @MethodSource("records")
  @SuppressWarnings("unchecked")
  void theMapperReadsEverySeededRow(String table, Class<? extends Record> record) throws Exception {
    RowMapper<? extends Record> mapper = (RowMapper<? extends Record>) record.getField("MAPPER").get(null);
    var rows = SqlTemplate.forQuery(pool, "SELECT * FROM " + table).mapTo(mapper).execute(Map.of())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(rows.size()).as("seeded rows of " + table).isPositive();
    for (Record r : rows) {
      JsonObject json = (JsonObject) record.getMethod("toJson").invoke(r);
      assertThat(json.encode()).doesNotContain("passwordHash", "tokenHash");
      assertThat(record.getRecordComponents()[0].getAccessor().invoke(r)).as("first field of " + table).isNotNull();
    }
  }

  /** Why a field of that Java type cannot hold the column, or null when it can. */
  private static String mismatch(Type type, Column column) throws SQLException {
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      boolean fits = column.dataType().equals("ARRAY") && column.udtName().equals("_text")
          && p.getActualTypeArguments()[0] == String.class;
      return fits ? null : "a List<String> holds text[] only";
    }
    Class<?> cls = (Class<?>) type;
    if (cls.isEnum()) {
      if (!column.dataType().equals("USER-DEFINED")) {
        return "a Java enum holds a PostgreSQL enum only";
      }
      List<String> labels = enumLabels(column.udtName());
      List<String> constants = Arrays.stream(cls.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList();
      return labels.equals(constants) ? null : "constants " + constants + " differ from the labels " + labels;
    }
    if (cls.isPrimitive()) {
      // A primitive cannot hold SQL NULL: allowed for NOT NULL columns only.
      if (column.nullable()) {
        return "the column is nullable, so the field must be a boxed type";
      }
      cls = MethodType.methodType(cls).wrap().returnType();
    }
    Map<Class<?>, Set<String>> allowed = Map.ofEntries(
        Map.entry(UUID.class, Set.of("uuid")),
        // inet is read as its address text: host(ip_address) or Rows.inet
        Map.entry(String.class, Set.of("text", "inet")),
        Map.entry(Integer.class, Set.of("integer")),
        Map.entry(Long.class, Set.of("bigint")),
        Map.entry(Float.class, Set.of("real")),
        Map.entry(Double.class, Set.of("double precision")),
        Map.entry(BigDecimal.class, Set.of("numeric")),
        Map.entry(Boolean.class, Set.of("boolean")),
        Map.entry(OffsetDateTime.class, Set.of("timestamp with time zone")),
        Map.entry(JsonObject.class, Set.of("jsonb")),
        Map.entry(Buffer.class, Set.of("bytea")));
    return allowed.getOrDefault(cls, Set.of()).contains(column.dataType()) ? null
        : cls.getSimpleName() + " holds " + allowed.getOrDefault(cls, Set.of("nothing in the mapping"));
  }

  private static List<String> enumTypes() throws SQLException {
    List<String> types = new ArrayList<>();
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement ps = c.prepareStatement("""
             SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname = 'public' AND t.typtype = 'e' ORDER BY t.typname
             """);
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        types.add(rs.getString(1));
      }
    }
    return types;
  }

  private static List<String> enumLabels(String type) throws SQLException {
    List<String> labels = new ArrayList<>();
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement ps = c.prepareStatement("""
             SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
              WHERE t.typname = ? ORDER BY e.enumsortorder
             """)) {
      ps.setString(1, type);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          labels.add(rs.getString(1));
        }
      }
    }
    return labels;
  }

  private static List<Column> columns(String table) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement ps = c.prepareStatement("""
             SELECT column_name, data_type, udt_name, is_nullable = 'YES' FROM information_schema.columns
              WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position
             """)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        }
      }
    }
    return columns;
  }

  static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
