import dev.taskforge.metrics.MetricRepository;
import dev.taskforge.metrics.MetricType;
import dev.taskforge.metrics.NewMetricSample;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Driver of bench/metrics-bench.sh: metric ingestion with its rollups, then range queries over
 * the result.
 *
 * <p>Insert: BENCH_POINTS points spread evenly over the last BENCH_DAYS days for 50 series of one
 * TIMER metric (10 queues × 5 workers, a region tag), written through the server's own write path
 * ({@link MetricRepository#insert}, one statement per batch, which also keeps the per-minute and
 * per-hour rollups up to date), BENCH_BATCH points a batch, BENCH_CONNECTIONS batches in flight.
 * Each batch holds consecutive instants across all series, in time order, so the rollup rows are
 * hit the way a live feed hits them.
 *
 * <p>Queries: the 24-hour range at a 1-minute step and the 30-day range at a 1-hour step, each
 * with and without groupBy=queue, with agg=avg (the shapes the targets are about) and agg=p95,
 * over HTTP as an admin, one at a time: 5 warm-up runs, then BENCH_QUERY_RUNS timed ones.
 */
public class MetricsBench {
  static final long POINTS = BenchEnv.number("BENCH_POINTS", 10_000_000L);
  static final int DAYS = (int) BenchEnv.number("BENCH_DAYS", 30);
  static final int BATCH = (int) BenchEnv.number("BENCH_BATCH", 5_000);
  static final int CONNECTIONS = (int) BenchEnv.number("BENCH_CONNECTIONS", 4);
  static final int QUERY_RUNS = (int) BenchEnv.number("BENCH_QUERY_RUNS", 50);
  static final boolean VACUUM = BenchEnv.number("BENCH_VACUUM", 1) != 0;
  /** The aggregations timed: avg (the targets' shapes) and p95 (from merged histograms); BENCH_AGGS=avg skips p95. */
  static final List<String> AGGS = List.of(System.getenv().getOrDefault("BENCH_AGGS", "avg,p95").split(","));
  static final int WARMUP_RUNS = 5;

  static final String METRIC = "bench.latency";
  static final int QUEUES = 10;
  static final int WORKERS = 5;
  static final int SERIES = QUEUES * WORKERS;
  static final String EMAIL = "metrics-bench@example.com";
  static final String PASSWORD = "metrics-bench-password-1";

  static final double TARGET_POINTS_PER_SECOND = 50_000;
  static final double TARGET_P95_MS = 100;

  static String base;
  static Path dataDir;
  static long serverPid;
  static int pgPort;
  static String pgPassword;
  static Connection db;
  static HttpClient http;

  public static void main(String[] args) {
    BenchMain.exitAfter(() -> run(args));
  }

  static void run(String[] args) throws Exception {
    base = args[0];
    dataDir = Path.of(args[1]);
    serverPid = args.length > 2 ? Long.parseLong(args[2]) : -1;
    pgPort = Integer.parseInt(BenchDatabase.port(dataDir));
    pgPassword = BenchDatabase.password(dataDir);
    db = BenchDatabase.connect(dataDir);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    System.out.printf("metrics bench: %,d points over %d days for %d series of %s (TIMER), batches of %,d, "
        + "%d in flight; queries: %d warm-up + %d timed runs per shape%n", POINTS, DAYS, SERIES, METRIC, BATCH,
        CONNECTIONS, WARMUP_RUNS, QUERY_RUNS);

    // The server creates partitions a few days ahead only; history needs its day partitions too,
    // or it would all land in the default partition.
    int created = queryInt("SELECT ensure_daily_partitions('system_metrics'::regclass, "
        + "(now() AT TIME ZONE 'UTC')::date - " + (DAYS + 1) + ", (now() AT TIME ZONE 'UTC')::date + 1)");
    System.out.printf("day partitions of system_metrics created for the history: %d%n", created);

    String token = adminToken();

    Insert insert = insert();
    tableSizes(insert.points());
    if (VACUUM) {
      // A table filled over 30 days has been vacuumed and analyzed by autovacuum many times over;
      // right after a bulk load it has not, and its plans and index-only scans would say so.
      long t0 = System.nanoTime();
      List<String> tables = tables();
      try (Statement s = db.createStatement()) {
        s.execute("VACUUM (ANALYZE) " + String.join(", ", tables));
      }
      System.out.printf("VACUUM (ANALYZE) %s: %.1f s%n", String.join(", ", tables), (System.nanoTime() - t0) / 1e9);
    }

    List<Shape> shapes = queries(token);
    targets(insert, shapes);
  }

  // ---------------------------------------------------------------------------------------------
  // Insert

  record Insert(long points, double seconds, long failedBatches, ServerCpu cpu) {
    double rate() {
      return points / seconds;
    }
  }

  /** One series: a (queue, worker) pair, and its tags shared by all its points. */
  record Series(String queue, String worker, JsonObject tags) {}

  static Insert insert() throws Exception {
    System.out.printf("%n== insert ==%n");
    Series[] series = new Series[SERIES];
    for (int i = 0; i < SERIES; i++) {
      int q = i / WORKERS;
      series[i] = new Series("q" + q, "w" + (i % WORKERS), new JsonObject().put("region", "r" + (q % 3)));
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Pool pool = PgBuilder.pool()
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort).setDatabase("taskforge")
            .setUser("postgres").setPassword(pgPassword))
        .with(new PoolOptions().setMaxSize(CONNECTIONS)).using(vertx).build();
    MetricRepository repository = new MetricRepository(pool);

    // Points at equal spacing over [end - DAYS, end), series taking turns, oldest first.
    Instant end = Instant.now();
    Instant start = end.minus(DAYS, ChronoUnit.DAYS);
    double spacingNanos = DAYS * 86_400e9 / POINTS;
    Random random = new Random(42);
    long progressStep = POINTS >= 2_000_000 ? 1_000_000 : Math.max(BATCH, POINTS / 4);
    Progress progress = new Progress(progressStep);
    Semaphore inFlight = new Semaphore(CONNECTIONS);
    AtomicLong failed = new AtomicLong();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    ServerCpu before = ServerCpu.sample(serverPid, dataDir);
    progress.start();
    long next = 0;
    while (next < POINTS) {
      int n = (int) Math.min(BATCH, POINTS - next);
      List<NewMetricSample> batch = new ArrayList<>(n);
      for (int k = 0; k < n; k++, next++) {
        Series s = series[(int) (next % SERIES)];
        Instant at = start.plusNanos((long) (next * spacingNanos));
        batch.add(new NewMetricSample(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), MetricType.TIMER, METRIC,
            Math.exp(-3 + random.nextGaussian()), "seconds", null, s.worker(), s.queue(), s.tags()));
      }
      inFlight.acquire();
      if (failed.get() > 20) {
        throw new IllegalStateException(failed.get() + " batches failed; first: " + firstFailure.get(),
            firstFailure.get());
      }
      repository.insert(batch).onComplete(ar -> {
        if (ar.succeeded()) {
          progress.stored(ar.result());
        } else {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, ar.cause());
        }
        inFlight.release();
      });
    }
    inFlight.acquire(CONNECTIONS);
    double seconds = progress.elapsed();
    ServerCpu cpu = ServerCpu.sample(serverPid, dataDir).minus(before);
    pool.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    long stored = progress.total();
    System.out.printf("stored %,d points in %.1f s: %,.0f points/s%n", stored, seconds, stored / seconds);
    if (failed.get() > 0) {
      System.out.printf("failed batches: %d (first: %s)%n", failed.get(), firstFailure.get());
    }
    System.out.println("during insert: " + cpu.cpuTime());
    System.out.println("load average after insert: " + loadAverage());
    return new Insert(stored, seconds, failed.get(), cpu);
  }

  /** Stored points, with a line each time another step's worth is stored. */
  static final class Progress {
    final long step;
    long total;
    long startNanos;
    long lastNanos;
    long lastTotal;

    Progress(long step) {
      this.step = step;
    }

    void start() {
      startNanos = lastNanos = System.nanoTime();
    }

    synchronized void stored(int n) {
      total += n;
      if (total / step > lastTotal / step) {
        long now = System.nanoTime();
        System.out.printf("  %,12d points  %7.1f s  %,9.0f points/s since the last line  %,9.0f points/s overall%n",
            total, (now - startNanos) / 1e9, (total - lastTotal) / ((now - lastNanos) / 1e9),
            total / ((now - startNanos) / 1e9));
        lastNanos = now;
        lastTotal = total;
      }
    }

    synchronized long total() {
      return total;
    }

    double elapsed() {
      return (System.nanoTime() - startNanos) / 1e9;
    }
  }

  /** The tables the points end up in: system_metrics, metric_series, the rollups and their partitions. */
  static List<String> tables() throws Exception {
    List<String> tables = new ArrayList<>();
    for (String t : List.of("system_metrics", "metric_series", "metric_rollups", "metric_rollups_minute",
        "metric_rollups_hour")) {
      if (exists(t)) {
        tables.add(t);
      }
    }
    return tables;
  }

  /** One resolution of the rollups: where its rows are. */
  record Rollup(String label, String table, String where) {}

  static List<Rollup> rollups() throws Exception {
    List<Rollup> rollups = new ArrayList<>();
    if (exists("metric_rollups") && queryLong("SELECT count(*) FROM information_schema.columns "
        + "WHERE table_name = 'metric_rollups' AND column_name = 'resolution'") > 0) {
      try (Statement s = db.createStatement();
          ResultSet rs = s.executeQuery("SELECT unnest(enum_range(NULL::metric_resolution))::text")) {
        while (rs.next()) {
          String r = rs.getString(1);
          rollups.add(new Rollup("metric_rollups " + r, "metric_rollups", "resolution = '" + r + "'"));
        }
      }
    }
    return rollups;
  }

  /** Size on disk (with indexes and TOAST, partitions included) and row count of each table. */
  static void tableSizes(long stored) throws Exception {
    System.out.println();
    System.out.printf("%-24s %14s %12s%n", "table", "rows", "size");
    for (String table : tables()) {
      // A partitioned table holds nothing itself: its size is the sum of its partitions'.
      long bytes = queryLong("""
          WITH RECURSIVE t(oid) AS (
            SELECT '%s'::regclass::oid
            UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN t ON i.inhparent = t.oid)
          SELECT sum(pg_total_relation_size(oid))::bigint FROM t""".formatted(table));
      long rows = queryLong("SELECT count(*) FROM " + table);
      System.out.printf("%-24s %,14d %9.1f MB%n", table, rows, bytes / 1048576.0);
    }
    // Every stored point must be counted once in each resolution, in one of the 50 series.
    List<Rollup> rollups = rollups();
    if (rollups.isEmpty()) {
      System.out.println("no rollup table");
    }
    for (Rollup r : rollups) {
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*), coalesce(sum(r.sample_count), 0)::bigint, count(DISTINCT r.series_id) FROM " + r.table()
              + " r JOIN metric_series s ON s.id = r.series_id WHERE s.metric_name = '" + METRIC + "' AND "
              + r.where())) {
        rs.next();
        System.out.printf("%-24s %,14d rows of %s, counting %,d points (stored: %,d) in %d series%n", r.label(),
            rs.getLong(1), METRIC, rs.getLong(2), stored, rs.getLong(3));
      } catch (Exception e) {
        System.out.printf("%-24s points not counted (%s)%n", r.label(), abbreviate(e.getMessage()));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  record Shape(String label, String agg, boolean target, int status, String error, int series, long points,
      String resolution, long[] nanos) {
    double p(int pct) {
      if (nanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(pct / 100.0 * nanos.length) - 1;
      return nanos[Math.max(0, Math.min(i, nanos.length - 1))] / 1e6;
    }

    double max() {
      return nanos.length == 0 ? Double.NaN : nanos[nanos.length - 1] / 1e6;
    }
  }

  static List<Shape> queries(String token) throws Exception {
    System.out.printf("%n== queries ==%n");
    // One "now" for every run, so each run of a shape asks for the same thing.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant dayAgo = now.minus(1, ChronoUnit.DAYS);
    Instant monthAgo = now.minus(DAYS, ChronoUnit.DAYS);
    System.out.printf("now = %s%n", now);
    System.out.printf("%-22s %6s %6s %8s %10s %8s %8s %8s%n", "shape", "status", "series", "points", "resolution",
        "p50 ms", "p95 ms", "max ms");
    List<Shape> shapes = new ArrayList<>();
    ServerCpu before = ServerCpu.sample(serverPid, dataDir);
    for (String agg : AGGS) {
      for (boolean grouped : List.of(false, true)) {
        shapes.add(query("24h@1m " + agg + (grouped ? " by queue" : ""), agg, token, dayAgo, now, "1m", grouped));
      }
      for (boolean grouped : List.of(false, true)) {
        shapes.add(query(DAYS + "d@1h " + agg + (grouped ? " by queue" : ""), agg, token, monthAgo, now, "1h",
            grouped));
      }
    }
    ServerCpu cpu = ServerCpu.sample(serverPid, dataDir).minus(before);
    System.out.println("during queries: " + cpu.cpuTime());
    return shapes;
  }

  static Shape query(String label, String agg, String token, Instant from, Instant to, String step, boolean grouped)
      throws Exception {
    String path = "/api/metrics/query?name=" + enc(METRIC) + "&from=" + enc(from.toString()) + "&to="
        + enc(to.toString()) + "&step=" + step + "&agg=" + agg + (grouped ? "&groupBy=queue" : "");
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + token).GET().build();
    long[] nanos = new long[QUERY_RUNS];
    int series = -1;
    long points = -1;
    String resolution = "";
    int status = 0;
    String error = null;
    for (int run = -WARMUP_RUNS; run < QUERY_RUNS; run++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      long took = System.nanoTime() - t0;
      status = r.statusCode();
      if (status != 200) {
        error = abbreviate(r.body());
        nanos = Arrays.copyOf(nanos, Math.max(0, run));
        break;
      }
      if (run >= 0) {
        nanos[run] = took;
      }
      if (run == -WARMUP_RUNS) {
        JsonObject body = new JsonObject(r.body());
        JsonArray list = body.getJsonArray("series", new JsonArray());
        series = list.size();
        points = 0;
        for (int i = 0; i < list.size(); i++) {
          points += list.getJsonObject(i).getJsonArray("points", new JsonArray()).size();
        }
        // A range reaching past a rollup's retention is answered by several sources, newest first.
        JsonArray sources = body.getJsonArray("sources", new JsonArray());
        List<String> used = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
          used.add(sources.getJsonObject(i).getString("resolution"));
        }
        resolution = used.size() > 1 ? String.join("+", used) : String.valueOf(body.getValue("resolution"));
      }
    }
    Arrays.sort(nanos);
    Shape s = new Shape(label, agg, agg.equals("avg"), status, error, series, points, resolution, nanos);
    System.out.printf("%-22s %6d %6d %8d %10s %8.1f %8.1f %8.1f%n", label, status, series, points, resolution,
        s.p(50), s.p(95), s.max());
    if (error != null) {
      System.out.printf("  %s%n", error);
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Targets

  static void targets(Insert insert, List<Shape> shapes) {
    System.out.printf("%n== targets ==%n");
    System.out.printf("insert rate > %,.0f points/s: %s (%,.0f points/s)%n", TARGET_POINTS_PER_SECOND,
        insert.rate() > TARGET_POINTS_PER_SECOND && insert.failedBatches() == 0 ? "met" : "MISSED", insert.rate());
    for (Shape s : shapes) {
      if (s.target()) {
        boolean ok = s.status() == 200 && s.p(95) < TARGET_P95_MS;
        System.out.printf("%-22s p95 < %.0f ms: %s (%s)%n", s.label(), TARGET_P95_MS, ok ? "met" : "MISSED",
            s.status() == 200 ? String.format("%.1f ms", s.p(95)) : "status " + s.status());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing

  /** A session token of a user this bench registers and makes an admin (the query API is for admins). */
  static String adminToken() throws Exception {
    BenchHttp.register(http, base, EMAIL, PASSWORD);
    try (PreparedStatement s = db.prepareStatement("UPDATE users SET role = 'ADMIN' WHERE email = ?")) {
      s.setString(1, EMAIL);
      if (s.executeUpdate() != 1) {
        throw new IllegalStateException("no user " + EMAIL);
      }
    }
    // The role is read on every request, so logging in after the promotion is not needed for it;
    // logging in after it anyway keeps the bench right if sessions ever carry the role.
    return BenchHttp.logIn(http, base, EMAIL, PASSWORD);
  }

  static boolean exists(String table) throws Exception {
    try (PreparedStatement s = db.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  static long queryLong(String sql) throws Exception {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static int queryInt(String sql) throws Exception {
    return (int) queryLong(sql);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception notLinux) {
      return "?";
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String abbreviate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s;
  }
}
