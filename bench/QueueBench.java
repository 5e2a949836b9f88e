import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Driver of bench/queue-bench.sh: the queue's throughput (W1), the drain of a ready backlog and
 * latency (W2), first through a running Taskforge server (tasks created over its HTTP API, run by
 * its dispatcher with the no-op executor), then through graphile-worker on the same PostgreSQL
 * while the Taskforge server sits idle; and Taskforge's physical limit, the server's own claim and
 * complete statements driven over JDBC with no server around them ({@link PhysicalLimit}). Prints
 * them side by side with the ratio and the targets.
 *
 * <p>Clocks: every figure comes from one host clock — PostgreSQL's now(), Java's Instant.now() —
 * at microsecond precision. "Claim" is the database time at which a worker took the job
 * (Taskforge: job_attempts.started_at; graphile-worker: locked_at), both the now() of the claiming
 * statement. Completion is seen by polling what is left unfinished (Taskforge: queue jobs AVAILABLE
 * or RUNNING; graphile-worker: rows left in its jobs table, since it deletes finished jobs).
 *
 * <p>While Taskforge's W1 and drain run, {@link QueueBenchWatcher} reads what the server itself reports of the queue
 * (/metrics, the time series, the queue's health), to show that an operator would see it working.
 *
 * <p>args: server base URL, the server's data directory (pg-port, pg-password), bench/graphile.
 */
public class QueueBench {
  static final int W1 = BenchEnv.integer("BENCH_W1_TASKS", 20_000);
  static final int DRAIN_TASKS = BenchEnv.integer("BENCH_DRAIN_TASKS", 20_000);
  static final int W2 = BenchEnv.integer("BENCH_W2_TASKS", 2_000);
  static final int W2_RATE = BenchEnv.integer("BENCH_W2_RATE", 100);
  static final int CLIENTS = BenchEnv.integer("BENCH_CLIENTS", 16);
  static final int CONCURRENCY = BenchEnv.integer("BENCH_CONCURRENCY", 8);
  static final int POLL_INTERVAL_MS = BenchEnv.integer("BENCH_POLL_INTERVAL_MS", 1000);
  static final int WARMUP = BenchEnv.integer("BENCH_WARMUP", 1_000);
  static final boolean GRAPHILE = !"0".equals(System.getenv().getOrDefault("BENCH_GRAPHILE", "1"));
  /**
   * Each job's prompt: "nothing" by default, or BENCH_PROMPT_CHARS characters of English-like words
   * (an agent's prompt is a few kilobytes of prose); graphile-worker's jobs carry the same text.
   */
  static final String PROMPT = prompt(BenchEnv.integer("BENCH_PROMPT_CHARS", 0));
  /** The phases to run, in this order: BENCH_PHASES, comma-separated; BENCH_DRAIN=0 drops drain. */
  static final List<String> PHASES = phases();
  static final String PASSWORD = "bench-password-1234";
  /** A queue the server does not serve: the drain's backlog waits there until it is moved to QueueBenchWatcher.QUEUE. */
  static final String HOLD_QUEUE = "bench-hold";
  /** Another queue the server does not serve: the physical limit's backlog, claimed over JDBC. */
  static final String LIMIT_QUEUE = "bench-limit";
  /** The Node that runs graphile-worker: bench/graphile's own Node 22, set by queue-bench.sh. */
  static final String NODE = System.getenv().getOrDefault("BENCH_NODE", "node");

  static String base;
  static String jdbcUrl;
  static String dbPassword;
  static String pgPort;
  static Path graphileDir;
  static HttpClient http;
  static long serverPid;
  static String clusterDir;

  /** W1 figures of one system; seconds are NaN where not measured. */
  record Throughput(int jobs, double enqueueSeconds, double overallSeconds, double dispatchSeconds) {
    double enqueueRate() {
      return jobs / enqueueSeconds;
    }

    double overallRate() {
      return jobs / overallSeconds;
    }

    double dispatchRate() {
      return jobs / dispatchSeconds;
    }
  }

  /** W2 latencies of one system, sorted, in microseconds. */
  record Latency(long[] createToClaim, long[] sendToClaim, double achievedRate) {}

  /** What one system measured; null where a phase did not run (graphile-worker has no physical limit). */
  record Run(Throughput w1, Throughput drain, Throughput limit, Latency w2) {}

  static List<String> phases() {
    List<String> all = List.of("w1", "drain", "limit", "w2");
    List<String> asked = Arrays.stream(System.getenv().getOrDefault("BENCH_PHASES", String.join(",", all)).split(","))
        .map(String::trim).filter(p -> !p.isEmpty()).toList();
    if (!all.containsAll(asked)) {
      throw new IllegalArgumentException("BENCH_PHASES takes some of " + all + ", not " + asked);
    }
    boolean drain = !"0".equals(System.getenv().getOrDefault("BENCH_DRAIN", "1"));
    return all.stream().filter(p -> asked.contains(p) && (drain || !p.equals("drain"))).toList();
  }

  static boolean runs(String phase) {
    return PHASES.contains(phase);
  }

  public static void main(String[] args) throws Exception {
    base = args[0];
    Path dataDir = Path.of(args[1]);
    graphileDir = Path.of(args[2]);
    serverPid = args.length > 3 ? Long.parseLong(args[3]) : -1;
    clusterDir = dataDir.toAbsolutePath().normalize().resolve("pg").toString();
    pgPort = BenchDatabase.port(dataDir);
    dbPassword = BenchDatabase.password(dataDir);
    jdbcUrl = BenchDatabase.url(dataDir);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(10)).build();
    System.out.printf("queue bench: phases %s; W1 %,d jobs (%d enqueue clients), drain and physical limit %,d jobs, "
        + "W2 %,d jobs at %d/s; worker concurrency %d, warm-up %,d, poll interval %d ms%n", String.join(",", PHASES),
        W1, CLIENTS, DRAIN_TASKS, W2, W2_RATE, CONCURRENCY, WARMUP, POLL_INTERVAL_MS);
    // The server's statements are read now, so that a renamed one stops the bench before its long phases.
    PhysicalLimit limit = runs("limit") ? new PhysicalLimit(new BatchedStatements()) : null;
    try (Connection db = connect()) {
      String setup = System.getenv().getOrDefault("BENCH_SETUP_SQL", "");
      if (!setup.isBlank()) {
        // A schema change tried against the same run, applied before anything is measured.
        try (var statement = db.createStatement()) {
          statement.execute(setup);
        }
        System.out.println("BENCH_SETUP_SQL applied: " + setup);
      }
      section("Taskforge");
      if (WARMUP > 0) {
        taskforgeThroughput(db, token("warmup"), Math.min(WARMUP, W1), false, false);
        System.out.printf("warm-up: %,d tasks done%n", Math.min(WARMUP, W1));
      }
      QueueBenchWatcher watch = QueueBenchWatcher.start(db, runs("w1") ? "W1" : runs("drain") ? "drain" : null);
      Throughput tf1 = runs("w1") ? taskforgeThroughput(db, token("w1"), W1, false, true) : null;
      watch.phase("drain");
      Throughput tfDrain = runs("drain") ? taskforgeThroughput(db, token("w1-drain"), DRAIN_TASKS, true, true) : null;
      watch.stop();
      Throughput tfLimit = limit == null ? null : taskforgeLimit(db, token("limit"), limit);
      Latency tf2 = runs("w2") ? taskforgeLatency(db, token("w2")) : null;
      history(db);

      Run graphile = null;
      if (GRAPHILE && (runs("w1") || runs("drain") || runs("w2"))) {
        section("graphile-worker (Taskforge server idle)");
        try (Graphile migrate = Graphile.start("migrate")) {
          migrate.awaitReady();
        }
        if (WARMUP > 0) {
          graphileThroughput(db, Math.min(WARMUP, W1), false, false);
          System.out.printf("warm-up: %,d jobs done%n", Math.min(WARMUP, W1));
        }
        Throughput g1 = runs("w1") ? graphileThroughput(db, W1, false, true) : null;
        Throughput gDrain = runs("drain") ? graphileThroughput(db, DRAIN_TASKS, true, true) : null;
        Latency g2 = runs("w2") ? graphileLatency(db) : null;
        graphile = new Run(g1, gDrain, null, g2);
      }
      summary(new Run(tf1, tfDrain, tfLimit, tf2), graphile);
    }
    System.exit(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Taskforge

  /**
   * W1 through the HTTP API: CLIENTS concurrent clients create {@code n} no-op tasks (each one a
   * task, its job and history rows, and a NOTIFY) while the dispatcher works them. With {@code hold}
   * the tasks go to a queue the server does not serve, and are then moved to "default" in one
   * UPDATE with a NOTIFY: a ready backlog, drained by the dispatcher alone.
   */
  static Throughput taskforgeThroughput(Connection db, String token, int n, boolean hold, boolean print)
      throws Exception {
    checkpoint(db);
    Cpu cpu = Cpu.start();
    long t0 = System.nanoTime();
    Map<String, Integer> errors = createTasks(token, n, hold ? HOLD_QUEUE : null);
    double enqueue = secondsSince(t0);
    long releaseMicros = 0;
    if (hold) {
      // Let the system settle after the creates, as graphile's drain starts its worker on a quiet database.
      checkpoint(db);
      // A drain's CPU is the drain's alone, from the release on: not the creates over HTTP before it.
      cpu = Cpu.start();
      releaseMicros = releaseHeldBacklog(db);
    }
    long doneMicros = waitUntil(db, """
        SELECT (SELECT count(*) FROM queue_jobs WHERE status = 'AVAILABLE' AND queue_name = 'default')
             + (SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING')
        """);
    double overall = secondsSince(t0);
    long[] row = longs(db, """
        SELECT count(DISTINCT t.id),
               count(DISTINCT t.id) FILTER (WHERE t.status = 'COMPLETED'),
               (extract(epoch FROM min(a.started_at)) * 1000000)::bigint,
               count(a.execution_id),
               -- One claim or completion statement stamps all its rows with its one now().
               count(DISTINCT a.started_at),
               count(DISTINCT a.finished_at)
          FROM tasks t
          JOIN users u ON u.id = t.owner_id AND u.email = ?
          LEFT JOIN queue_jobs j ON j.task_id = t.id
          LEFT JOIN job_attempts a ON a.job_id = j.id
        """, email(token));
    Cpu.Use cpuUse = cpu.end();
    long firstClaim = row[2];
    double dispatch = (doneMicros - firstClaim) / 1e6;
    if (print) {
      String what = hold ? "drain of a ready backlog" : "W1 throughput";
      System.out.printf("%n%s: %,d tasks created over HTTP by %d clients in %.2f s (%,.0f tasks/s)%n", what, n,
          CLIENTS, enqueue, n / enqueue);
      if (hold) {
        System.out.printf("  released at once; first claim %.1f ms after the release; all completed %.2f s after it "
            + "(%,.0f jobs/s)%n", (firstClaim - releaseMicros) / 1e3, (doneMicros - releaseMicros) / 1e6,
            n / ((doneMicros - releaseMicros) / 1e6));
      } else {
        System.out.printf("  overall, first create -> all completed: %.2f s = %,.0f jobs/s%n", overall, n / overall);
      }
      System.out.printf("  dispatch-only, first claim -> last completed: %.2f s = %,.0f jobs/s%n", dispatch,
          n / dispatch);
      System.out.printf("  tasks %,d, COMPLETED %,d, attempts %,d%s%n", row[0], row[1], row[3],
          errors.isEmpty() ? "" : ", client errors " + errors);
      System.out.printf("  %,d claim statements (%.1f jobs each), %,d completion statements (%.1f jobs each)%n",
          row[4], (double) row[3] / Math.max(1, row[4]), row[5], (double) row[3] / Math.max(1, row[5]));
      cpuUse.report("Taskforge", hold ? "drain" : "W1", what);
    }
    if (row[1] != n || !errors.isEmpty()) {
      System.out.printf("  WARNING: expected %,d COMPLETED tasks, found %,d (errors %s)%n", n, row[1], errors);
    }
    return new Throughput(n, enqueue, hold ? Double.NaN : overall, dispatch);
  }

  /**
   * CLIENTS concurrent clients create {@code n} no-op tasks over HTTP, in {@code queue} (null: the
   * default one); returns the failures counted by kind.
   */
  static Map<String, Integer> createTasks(String token, int n, String queue) throws Exception {
    String body = "{\"title\":\"queue bench\",\"prompt\":\"" + PROMPT + "\",\"config\":{\"executor\":\"noop\""
        + (queue != null ? ",\"queue\":\"" + queue + "\"" : "") + "}}";
    AtomicInteger next = new AtomicInteger();
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    runClients(() -> {
      while (next.getAndIncrement() < n) {
        try {
          HttpResponse<String> r = http.send(post("/api/tasks", token, body), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 201) {
            errors.merge("HTTP " + r.statusCode(), 1, Integer::sum);
          }
        } catch (Exception e) {
          errors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        }
      }
    });
    return errors;
  }

  /**
   * Releases the drain's backlog: every job waiting in HOLD_QUEUE moves to the served queue in one
   * transaction — one UPDATE of queue_jobs.queue_name (nothing else about the jobs changes, so the
   * statement holds whatever other columns queue_jobs has) and the NOTIFY the enqueuer sends for
   * that queue. Returns the wall clock, in microseconds, just before the commit. Adapt here, and only
   * here, should the queue's schema change where a job's queue is kept.
   */
  static long releaseHeldBacklog(Connection db) throws Exception {
    db.setAutoCommit(false);
    try (PreparedStatement move = db.prepareStatement("UPDATE queue_jobs SET queue_name = ? WHERE queue_name = ?");
        PreparedStatement notify = db.prepareStatement("SELECT pg_notify(?, ?)")) {
      move.setString(1, QueueBenchWatcher.QUEUE);
      move.setString(2, HOLD_QUEUE);
      move.executeUpdate();
      notify.setString(1, dev.taskforge.queue.Enqueuer.CHANNEL);
      notify.setString(2, QueueBenchWatcher.QUEUE);
      notify.execute();
      long releaseMicros = nowMicros();
      db.commit();
      return releaseMicros;
    } catch (Exception e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  /**
   * W2: one client creates tasks one at a time at W2_RATE per second while the dispatcher is
   * otherwise idle; per task, create (tasks.created_at) to claim (job_attempts.started_at), both
   * the database's now(), and the client's send time to the same claim.
   */
  static Latency taskforgeLatency(Connection db, String token) throws Exception {
    checkpoint(db);
    String body = "{\"title\":\"queue bench latency\",\"prompt\":\"" + PROMPT + "\",\"config\":{\"executor\":\"noop\"}}";
    Map<String, Long> sent = new HashMap<>();
    long period = TimeUnit.SECONDS.toNanos(1) / W2_RATE;
    Cpu cpu = Cpu.start();
    long t0 = System.nanoTime();
    int errors = 0;
    for (int i = 0; i < W2; i++) {
      pace(t0 + i * period);
      long sendMicros = nowMicros();
      HttpResponse<String> r = http.send(post("/api/tasks", token, body), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        errors++;
        continue;
      }
      sent.put(field(r.body(), "id"), sendMicros);
    }
    double achieved = W2 / secondsSince(t0);
    waitUntil(db, """
        SELECT (SELECT count(*) FROM queue_jobs WHERE status = 'AVAILABLE' AND queue_name = 'default')
             + (SELECT count(*) FROM queue_jobs WHERE status = 'RUNNING')
        """);
    List<long[]> rows = new ArrayList<>();
    Map<Integer, String> ids = new HashMap<>();
    try (PreparedStatement ps = db.prepareStatement("""
        SELECT t.id::text, (extract(epoch FROM t.created_at) * 1000000)::bigint,
               (extract(epoch FROM a.started_at) * 1000000)::bigint
          FROM tasks t
          JOIN users u ON u.id = t.owner_id AND u.email = ?
          JOIN queue_jobs j ON j.task_id = t.id
          JOIN job_attempts a ON a.job_id = j.id AND a.attempt_number = 1
        """)) {
      ps.setString(1, email(token));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.put(rows.size(), rs.getString(1));
          rows.add(new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
    }
    long[] db2 = new long[rows.size()];
    long[] client = new long[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      db2[i] = rows.get(i)[1] - rows.get(i)[0];
      client[i] = rows.get(i)[1] - sent.getOrDefault(ids.get(i), rows.get(i)[0]);
    }
    Latency l = new Latency(sorted(db2), sorted(client), achieved);
    printLatency("W2 latency", l, W2 - errors, errors);
    cpu.end().report("Taskforge", "W2", "W2 latency");
    return l;
  }

  /** What Taskforge kept of the run: every task, job, attempt, execution and result. */
  static void history(Connection db) throws Exception {
    long[] c = longs(db, """
        SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM queue_jobs), (SELECT count(*) FROM job_attempts),
               (SELECT count(*) FROM task_executions), (SELECT count(*) FROM task_results)
        """);
    System.out.printf("%nhistory kept by Taskforge: %,d tasks, %,d jobs, %,d attempts, %,d executions, %,d results%n",
        c[0], c[1], c[2], c[3], c[4]);
  }

  // ---------------------------------------------------------------------------------------------
  // The physical limit: the server's own claim and complete SQL, with no server around it

  /**
   * The physical limit: DRAIN_TASKS no-op tasks created over HTTP in LIMIT_QUEUE, which the server
   * does not serve, then drained over JDBC by {@code limit} with the server's own statements while
   * the server sits idle; timed from the first claim to the last completion. Against the drain it
   * shows how close the server gets to its own SQL.
   */
  static Throughput taskforgeLimit(Connection db, String token, PhysicalLimit limit) throws Exception {
    checkpoint(db);
    long t0 = System.nanoTime();
    Map<String, Integer> errors = createTasks(token, DRAIN_TASKS, LIMIT_QUEUE);
    double enqueue = secondsSince(t0);
    int n = (int) longs(db, "SELECT count(*) FROM queue_jobs WHERE queue_name = ?", LIMIT_QUEUE)[0];
    checkpoint(db);
    WriteCost before = WriteCost.read(db);
    Cpu cpu = Cpu.start();
    PhysicalLimit.Drained d = limit.drain(LIMIT_QUEUE, n);
    Cpu.Use cpuUse = cpu.end();
    // The drain's connections are closed: their table statistics are flushed within a second.
    Thread.sleep(1500);
    WriteCost after = WriteCost.read(db);
    long[] row = longs(db, """
        SELECT count(*), count(*) FILTER (WHERE j.status = 'COMPLETED'),
               (SELECT count(*) FROM job_attempts a JOIN queue_jobs q ON q.id = a.job_id WHERE q.queue_name = ?),
               count(*) FILTER (WHERE t.status = 'COMPLETED')
          FROM queue_jobs j JOIN tasks t ON t.id = j.task_id
         WHERE j.queue_name = ?
        """, LIMIT_QUEUE, LIMIT_QUEUE);
    System.out.printf("%nphysical limit: %,d tasks created over HTTP by %d clients in %.2f s, in queue \"%s\" "
        + "(not served), then drained over JDBC with %s%n", DRAIN_TASKS, CLIENTS, enqueue, LIMIT_QUEUE, limit);
    System.out.printf("  first claim -> last completed: %.2f s = %,.0f jobs/s; %,d claim calls (%.1f jobs each), %,d "
        + "complete calls (%.1f jobs each)%n", d.seconds(), n / d.seconds(), d.claims(), (double) n / d.claims(),
        d.completes(), (double) n / d.completes());
    System.out.printf("  jobs %,d, COMPLETED %,d, attempts %,d, tasks COMPLETED %,d%s%s%n", row[0], row[1], row[2],
        row[3], d.lost() == 0 ? "" : ", completions that found the job no longer held " + d.lost(),
        errors.isEmpty() ? "" : ", client errors " + errors);
    cpuUse.report("Taskforge", "limit", "physical limit");
    System.out.printf("  PostgreSQL CPU %.3f ms per job; %s%n",
        cpuUse.database() / 100 * cpuUse.cores() * d.seconds() / n * 1000, after.since(before, n));
    if (row[1] != DRAIN_TASKS || !errors.isEmpty()) {
      System.out.printf("  WARNING: expected %,d COMPLETED jobs, found %,d (errors %s)%n", DRAIN_TASKS, row[1], errors);
    }
    return new Throughput(n, enqueue, Double.NaN, d.seconds());
  }

  /**
   * What the database wrote: WAL position and, per table of a job's history, rows inserted and
   * updated (and of those, HOT: no index touched), from pg_stat_user_tables.
   */
  record WriteCost(long walBytes, Map<String, long[]> tables) {
    static final List<String> TABLES = List.of("tasks", "queue_jobs", "task_executions", "task_results");

    static WriteCost read(Connection db) throws SQLException {
      Map<String, long[]> tables = new LinkedHashMap<>();
      long wal;
      try (var statement = db.createStatement()) {
        try (ResultSet rs = statement.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
          rs.next();
          wal = rs.getLong(1);
        }
        try (ResultSet rs = statement.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd "
            + "FROM pg_stat_user_tables WHERE relname IN ('" + String.join("','", TABLES) + "')")) {
          while (rs.next()) {
            tables.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
          }
        }
      }
      return new WriteCost(wal, tables);
    }

    /** Per job since {@code before}: WAL bytes, and each table's inserts and updates (HOT share). */
    String since(WriteCost before, int jobs) {
      StringBuilder out = new StringBuilder(String.format("WAL %,.0f bytes per job; per job", (double) (walBytes
          - before.walBytes) / jobs));
      for (String table : TABLES) {
        long[] now = tables.getOrDefault(table, new long[3]);
        long[] then = before.tables.getOrDefault(table, new long[3]);
        long updates = now[1] - then[1];
        out.append(String.format(" %s %.1f ins %.1f upd (%.0f%% HOT);", table, (double) (now[0] - then[0]) / jobs,
            (double) updates / jobs, updates == 0 ? 0 : 100.0 * (now[2] - then[2]) / updates));
      }
      return out.toString();
    }
  }

  /**
   * Drives a queue's claim and complete statements straight over JDBC as a good dispatcher would,
   * with CONCURRENCY slots: one claimer connection claims as many jobs as there are free slots, in
   * one claim call; each job "runs" (a no-op: nothing to do, so its slot is free again at once) and
   * waits to be completed; {@link Statements#completers()} completer connections each take up to
   * {@link Statements#completeBatch()} waiting jobs and complete them in one complete call.
   *
   * <p>The statements are a pair behind {@link Statements}: {@link BatchedStatements} drives the
   * server's statements of today; another pair plugs in as another implementation, passed in main
   * where {@code PhysicalLimit} is made.
   */
  static final class PhysicalLimit {
    /** The worker (lease owner) the jobs are claimed for. */
    static final String WORKER = "queue-bench-limit";
    /** The bench's queue.leaseSeconds. */
    static final double LEASE_SECONDS = 30;

    /** What completing a claimed job needs. */
    record Claimed(long jobId, UUID executionId) {}

    /** A claim statement and a complete statement, each call on the connection it is given. */
    interface Statements {
      /** Claims up to {@code max} waiting jobs of {@code queue} for {@code worker}; none when none wait. */
      List<Claimed> claim(Connection c, String queue, String worker, int max) throws SQLException;

      /** Completes {@code jobs} (at most completeBatch() of them); returns how many {@code worker} still held. */
      int complete(Connection c, String worker, List<Claimed> jobs) throws SQLException;

      /** The most jobs one complete call takes: 1 for a statement per job. */
      int completeBatch();

      /** How many connections complete jobs at once. */
      int completers();
    }

    /** A drain: seconds from the first claim to the last completion, calls made, and jobs no longer held. */
    record Drained(double seconds, int claims, int completes, int lost) {}

    final Statements statements;

    PhysicalLimit(Statements statements) {
      this.statements = statements;
    }

    /** Claims and completes {@code n} jobs waiting in {@code queue}. */
    Drained drain(String queue, int n) throws Exception {
      Semaphore free = new Semaphore(CONCURRENCY);
      BlockingQueue<Claimed> ran = new LinkedBlockingQueue<>();
      AtomicInteger claims = new AtomicInteger();
      AtomicInteger completes = new AtomicInteger();
      AtomicInteger completed = new AtomicInteger();
      AtomicInteger lost = new AtomicInteger();
      AtomicLong endNanos = new AtomicLong();
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Exception> failure = new AtomicReference<>();
      List<Connection> connections = new ArrayList<>();
      ExecutorService threads = Executors.newFixedThreadPool(1 + statements.completers());
      try {
        for (int i = 0; i <= statements.completers(); i++) {
          connections.add(connect());
        }
        long startNanos = System.nanoTime();
        List<Callable<Void>> loops = new ArrayList<>();
        Connection claimer = connections.get(0);
        loops.add(() -> {
          int claimed = 0;
          for (int empty = 0; claimed < n; ) {
            free.acquire();
            int max = 1 + free.drainPermits();
            List<Claimed> got = statements.claim(claimer, queue, WORKER, max);
            claims.incrementAndGet();
            // A no-op job's run is over at once: its slot is free while its completion waits, as in
            // the server, whose completer holds at most 2,000 runs' outcomes before it stops claiming.
            while (ran.size() >= 2000) {
              Thread.sleep(1);
            }
            free.release(max);
            ran.addAll(got);
            claimed += got.size();
            if (!got.isEmpty()) {
              empty = 0;
            } else if (++empty == 100) {
              throw new IllegalStateException(claimed + " of " + n + " jobs claimed, then none left in " + queue);
            } else {
              Thread.sleep(10);
            }
          }
          return null;
        });
        for (Connection completer : connections.subList(1, connections.size())) {
          loops.add(() -> {
            List<Claimed> batch = new ArrayList<>();
            while (completed.get() < n) {
              Claimed first = ran.poll(50, TimeUnit.MILLISECONDS);
              if (first == null) {
                continue;
              }
              batch.clear();
              batch.add(first);
              ran.drainTo(batch, statements.completeBatch() - 1);
              lost.addAndGet(batch.size() - statements.complete(completer, WORKER, batch));
              completes.incrementAndGet();
              if (completed.addAndGet(batch.size()) == n) {
                endNanos.set(System.nanoTime());
                done.countDown();
              }
            }
            return null;
          });
        }
        for (Callable<Void> loop : loops) {
          threads.submit(() -> {
            try {
              return loop.call();
            } catch (Exception e) {
              failure.compareAndSet(null, e);
              done.countDown();
              throw e;
            }
          });
        }
        if (!done.await(30, TimeUnit.MINUTES)) {
          throw new IllegalStateException("the physical limit did not drain " + n + " jobs in 30 minutes");
        }
        if (failure.get() != null) {
          throw failure.get();
        }
        return new Drained((endNanos.get() - startNanos) / 1e9, claims.get(), completes.get(), lost.get());
      } finally {
        threads.shutdownNow();
        threads.awaitTermination(30, TimeUnit.SECONDS);
        for (Connection c : connections) {
          c.close();
        }
      }
    }

    @Override
    public String toString() {
      return statements + ", " + CONCURRENCY + " slots, 1 claimer and " + statements.completers()
          + " completer connections";
    }
  }

  /**
   * The server's statements as its dispatcher uses them: LeaseSql.CLAIM (up to #{max} jobs in one
   * statement), and a completion of every job that has run since the last one, as the completer
   * writes it: one transaction of OutcomeSql.COMPLETE_MANY (many jobs, arrays) and
   * OutcomeSql.WITH_DEPENDENTS, one such write in flight at a time (one completer
   * connection). The no-op jobs' tasks have no family, so the statement settles them itself.
   */
  static final class BatchedStatements implements PhysicalLimit.Statements {
    final ServerSql claim = ServerSql.read("dev.taskforge.queue.LeaseSql", "CLAIM");
    final ServerSql complete = ServerSql.read("dev.taskforge.queue.OutcomeSql", "COMPLETE_MANY");
    final ServerSql dependents = ServerSql.read("dev.taskforge.queue.OutcomeSql", "WITH_DEPENDENTS");

    @Override
    public List<PhysicalLimit.Claimed> claim(Connection c, String queue, String worker, int max) throws SQLException {
      List<PhysicalLimit.Claimed> jobs = new ArrayList<>();
      try (PreparedStatement ps = claim.prepare(c, Map.of("queue", queue, "worker", worker, "max", max,
          "lease_seconds", PhysicalLimit.LEASE_SECONDS)); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          jobs.add(new PhysicalLimit.Claimed(rs.getLong("job_id"), rs.getObject("execution_id", UUID.class)));
        }
      }
      return jobs;
    }

    @Override
    public int complete(Connection c, String worker, List<PhysicalLimit.Claimed> jobs) throws SQLException {
      c.setAutoCommit(false);
      try {
        List<UUID> settled = new ArrayList<>();
        int held = 0;
        try (PreparedStatement ps = complete.prepare(c, Map.of("worker", worker,
            "job_ids", jobs.stream().map(PhysicalLimit.Claimed::jobId).toArray(Long[]::new),
            "execution_ids", jobs.stream().map(PhysicalLimit.Claimed::executionId).toArray(UUID[]::new)));
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            held++;
            if (rs.getBoolean("settled")) {
              settled.add(rs.getObject("task_id", UUID.class));
            }
          }
        }
        try (PreparedStatement ps = dependents.prepare(c, Map.of("task_ids", settled.toArray(UUID[]::new)));
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            throw new IllegalStateException("a no-op bench task has dependents: " + rs.getObject(1));
          }
        }
        c.commit();
        return held;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }

    @Override
    public int completeBatch() {
      return 500;
    }

    @Override
    public int completers() {
      return 1;
    }

    @Override
    public String toString() {
      return claim + " and " + complete + " + " + dependents + " (many jobs a transaction, one at a time)";
    }
  }

  /**
   * A statement of the server, read by reflection from its class in the jar the bench runs with
   * ({@code java -cp taskforge.jar}), so that it is never copied here: its SqlTemplate parameters
   * {@code #{name}} become JDBC {@code ?}s, bound by name.
   */
  record ServerSql(String where, String jdbc, List<String> names) {
    static final Pattern PARAMETER = Pattern.compile("#\\{(\\w+)}");

    static ServerSql read(String className, String field) {
      String text;
      try {
        Field f = Class.forName(className).getDeclaredField(field);
        f.setAccessible(true);
        text = (String) f.get(null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException("the physical limit reads " + className + "." + field
            + " from the server's jar: " + e, e);
      }
      List<String> names = new ArrayList<>();
      StringBuilder jdbc = new StringBuilder();
      Matcher m = PARAMETER.matcher(text);
      while (m.find()) {
        names.add(m.group(1));
        m.appendReplacement(jdbc, "?");
      }
      m.appendTail(jdbc);
      return new ServerSql(className.substring(className.lastIndexOf('.') + 1) + "." + field, jdbc.toString(),
          List.copyOf(names));
    }

    /**
     * The statement on {@code c} with {@code values} bound by name: a name they lack is NULL (its
     * type left to PostgreSQL), an array (Long[], UUID[], String[], Integer[]) a SQL array.
     */
    PreparedStatement prepare(Connection c, Map<String, ?> values) throws SQLException {
      if (!names.containsAll(values.keySet())) {
        throw new IllegalArgumentException(where + " takes " + new TreeSet<>(names) + ", not " + values.keySet());
      }
      PreparedStatement ps = c.prepareStatement(jdbc);
      for (int i = 0; i < names.size(); i++) {
        Object v = values.get(names.get(i));
        ps.setObject(i + 1, v instanceof Object[] a ? c.createArrayOf(switch (a.getClass().getComponentType()
            .getSimpleName()) {
              case "Long" -> "bigint";
              case "Integer" -> "integer";
              case "UUID" -> "uuid";
              default -> "text";
            }, a) : v);
      }
      return ps;
    }

    @Override
    public String toString() {
      return where;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The server's own view of the queue while W1 and the drain run

  // ---------------------------------------------------------------------------------------------
  // graphile-worker

  static final String ADD_JOB = "SELECT id, (extract(epoch FROM created_at) * 1000000)::bigint "
      + "FROM graphile_worker.add_job('noop', '{\"prompt\": \"" + PROMPT + "\"}'::json)";

  /** {@code chars} characters of words, the same every run (or "nothing" for 0). */
  static String prompt(int chars) {
    if (chars <= 0) {
      return "nothing";
    }
    String[] words = ("refactor the payment module so every retry is idempotent and add tests for network failures "
        + "timeouts partial writes and deadlocks then review the worker logging and update the migration notes")
        .split(" ");
    StringBuilder text = new StringBuilder();
    java.util.Random random = new java.util.Random(42);
    while (text.length() < chars) {
      text.append(words[random.nextInt(words.length)]).append(' ');
    }
    return text.substring(0, chars).strip();
  }

  /**
   * W1 through graphile-worker: CLIENTS concurrent connections call graphile_worker.add_job for
   * {@code n} jobs while a worker (concurrency CONCURRENCY) works them. With {@code backlog} the jobs
   * are added with no worker running, which then starts on the ready backlog.
   */
  static Throughput graphileThroughput(Connection db, int n, boolean backlog, boolean print) throws Exception {
    checkpoint(db);
    Graphile worker = backlog ? null : Graphile.start("w1");
    if (worker != null) {
      worker.awaitReady();
    }
    AtomicInteger next = new AtomicInteger();
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    Cpu cpu = Cpu.start();
    long t0 = System.nanoTime();
    runClients(() -> {
      try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(ADD_JOB)) {
        while (next.getAndIncrement() < n) {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
          } catch (Exception e) {
            errors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
          }
        }
      } catch (Exception e) {
        errors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
      }
    });
    double enqueue = secondsSince(t0);
    long startMicros = 0;
    if (backlog) {
      checkpoint(db);
      cpu = Cpu.start(); // the drain's CPU alone, as Taskforge's
      startMicros = nowMicros();
      worker = Graphile.start("w1");
    }
    long doneMicros = waitUntil(db, "SELECT count(*) FROM graphile_worker._private_jobs");
    double overall = secondsSince(t0);
    Cpu.Use cpuUse = cpu.end();
    Map<String, String> s = worker.finish();
    long firstClaim = Long.parseLong(s.get("firstLockedAtMs")) * 1000;
    double dispatch = (doneMicros - firstClaim) / 1e6;
    if (print) {
      String what = backlog ? "drain of a ready backlog" : "W1 throughput";
      System.out.printf("%n%s: %,d jobs added with graphile_worker.add_job by %d clients in %.2f s (%,.0f jobs/s)%n",
          what, n, CLIENTS, enqueue, n / enqueue);
      if (backlog) {
        System.out.printf("  worker process started on the backlog; first claim %.0f ms after its launch%n",
            (firstClaim - startMicros) / 1e3);
      } else {
        System.out.printf("  overall, first add_job -> all completed: %.2f s = %,.0f jobs/s%n", overall, n / overall);
      }
      System.out.printf("  dispatch-only, first claim -> last completed: %.2f s = %,.0f jobs/s%n", dispatch,
          n / dispatch);
      System.out.printf("  jobs run by the worker %s%s%n", s.get("seen"), errors.isEmpty() ? "" : ", errors " + errors);
      cpuUse.report("graphile-worker", backlog ? "drain" : "W1", what);
    }
    if (Long.parseLong(s.get("seen")) != n || !errors.isEmpty()) {
      System.out.printf("  WARNING: expected %,d jobs run, saw %s (errors %s)%n", n, s.get("seen"), errors);
    }
    return new Throughput(n, enqueue, backlog ? Double.NaN : overall, dispatch);
  }

  /** W2 through graphile-worker: add_job one at a time at W2_RATE/s; created_at to locked_at. */
  static Latency graphileLatency(Connection db) throws Exception {
    checkpoint(db);
    Graphile worker = Graphile.start("w2");
    worker.awaitReady();
    Map<Long, long[]> sent = new HashMap<>();
    long period = TimeUnit.SECONDS.toNanos(1) / W2_RATE;
    int errors = 0;
    long t0;
    Cpu cpu = Cpu.start();
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(ADD_JOB)) {
      t0 = System.nanoTime();
      for (int i = 0; i < W2; i++) {
        pace(t0 + i * period);
        long sendMicros = nowMicros();
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          sent.put(rs.getLong(1), new long[] {sendMicros, rs.getLong(2)});
        } catch (Exception e) {
          errors++;
        }
      }
    }
    double achieved = W2 / secondsSince(t0);
    waitUntil(db, "SELECT count(*) FROM graphile_worker._private_jobs");
    Cpu.Use cpuUse = cpu.end();
    worker.finish();
    List<Long> fromCreate = new ArrayList<>();
    List<Long> fromSend = new ArrayList<>();
    for (Map.Entry<Long, Long> e : worker.locked.entrySet()) {
      long[] s = sent.get(e.getKey());
      if (s != null) {
        fromSend.add(e.getValue() - s[0]);
        fromCreate.add(e.getValue() - s[1]);
      }
    }
    Latency l = new Latency(sorted(fromCreate.stream().mapToLong(Long::longValue).toArray()),
        sorted(fromSend.stream().mapToLong(Long::longValue).toArray()), achieved);
    printLatency("W2 latency", l, W2 - errors, errors);
    cpuUse.report("graphile-worker", "W2", "W2 latency");
    return l;
  }

  /** A graphile-worker process (bench/graphile/worker.mjs); stdin closing asks it to report and stop. */
  static final class Graphile implements AutoCloseable {
    final Process process;
    final CountDownLatch ready = new CountDownLatch(1);
    final BlockingQueue<String> summaries = new LinkedBlockingQueue<>();
    final Map<Long, Long> locked = new ConcurrentHashMap<>();

    Graphile(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            if (line.equals("ready")) {
              ready.countDown();
            } else if (line.startsWith("job ")) {
              String[] p = line.split(" ");
              locked.put(Long.parseLong(p[1]), Long.parseLong(p[2]));
            } else if (line.startsWith("summary ")) {
              summaries.add(line.substring(8));
            } else {
              System.out.println("[graphile-worker] " + line);
            }
          }
        } catch (Exception e) {
          // the process ended
        }
      }, "graphile-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Graphile start(String mode) throws Exception {
      String url = "postgres://postgres:" + URLEncoder.encode(dbPassword, StandardCharsets.UTF_8) + "@127.0.0.1:"
          + pgPort + "/taskforge";
      ProcessBuilder pb = new ProcessBuilder(NODE, "worker.mjs", mode, Integer.toString(CONCURRENCY),
          Integer.toString(POLL_INTERVAL_MS)).directory(graphileDir.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("DATABASE_URL", url);
      pb.environment().put("NO_LOG_SUCCESS", "1");
      return new Graphile(pb.start());
    }

    void awaitReady() throws Exception {
      if (!ready.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("graphile-worker did not start within 60 s");
      }
      // LISTEN is issued on its own connection right after; give it a moment to be in place.
      Thread.sleep(500);
    }

    /** Closes stdin; the worker prints its summary and stops. */
    Map<String, String> finish() throws Exception {
      process.getOutputStream().close();
      String json = summaries.poll(60, TimeUnit.SECONDS);
      process.waitFor(30, TimeUnit.SECONDS);
      Map<String, String> m = new HashMap<>();
      if (json != null) {
        for (String part : json.replaceAll("[{}\"]", "").split(",")) {
          String[] kv = part.split(":", 2);
          m.put(kv[0], kv[1]);
        }
      }
      return m;
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        OutputStream in = process.getOutputStream();
        in.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroy();
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CPU accounting: is the machine ours during a phase?

  /** The CPU of every measured phase, in the order they ran. */
  static final List<PhaseCpu> CPU_USE = new ArrayList<>();

  /** One measured phase's CPU: system Taskforge or graphile-worker, phase W1, drain, limit or W2. */
  record PhaseCpu(String system, String phase, String what, Cpu.Use use) {}

  /**
   * Busy CPU of the whole machine (/proc/stat) against the CPU of this bench's own processes: this
   * JVM and its children (the graphile-worker node process), the server JVM, and the embedded
   * PostgreSQL (its postmaster, found by its data directory, and all its backends), each counted
   * with its reaped children. The difference is what other processes took; on a shared machine it
   * tells which runs are clean.
   */
  record Cpu(long machineTicks, long[] oursTicks, long nanos) {
    static Cpu start() {
      return new Cpu(machineBusy(), ours(), System.nanoTime());
    }

    /**
     * The machine's and this bench's CPU since start, in percent of all cores; this bench's split
     * into the load generator (this JVM and the graphile-worker process), the server JVM and PostgreSQL.
     */
    record Use(double machine, double mine, double cores, double generator, double server, double database) {
      double other() {
        return Math.max(0, machine - mine);
      }

      /** Prints this use under a phase's figures and keeps it for the summary. */
      void report(String system, String phase, String what) {
        System.out.println("  " + this);
        CPU_USE.add(new PhaseCpu(system, phase, what, this));
      }

      @Override
      public String toString() {
        return String.format("CPU %.0f%% of %.0f cores busy: this bench %.0f%% (load generator or worker %.0f%%, "
            + "server %.0f%%, PostgreSQL %.0f%%), other processes %.0f%%", machine, cores, mine, generator, server,
            database, other());
      }
    }

    Use end() {
      double seconds = (System.nanoTime() - nanos) / 1e9;
      double cores = Runtime.getRuntime().availableProcessors();
      double machine = (machineBusy() - machineTicks) / ProcessTable.TICKS_PER_SECOND / seconds / cores * 100;
      long[] now = ours();
      double[] part = new double[3];
      for (int i = 0; i < 3; i++) {
        part[i] = (now[i] - oursTicks[i]) / ProcessTable.TICKS_PER_SECOND / seconds / cores * 100;
      }
      return new Use(machine, part[0] + part[1] + part[2], cores, part[0], part[1], part[2]);
    }

    static long machineBusy() {
      return ProcessTable.machineBusyTicks();
    }

    /** Ticks of this JVM and its children, of the server JVM alone, and of PostgreSQL's processes. */
    static long[] ours() {
      ProcessTable procs = ProcessTable.read();
      if (procs.isEmpty()) {
        return new long[3];
      }
      long generator = ProcessHandle.current().pid();
      List<Long> roots = new ArrayList<>(List.of(generator, serverPid));
      if (clusterDir != null) {
        for (long pid : procs.pids()) {
          if (commandLine(pid).contains(clusterDir)) {
            roots.add(pid);
          }
        }
      }
      // Each process counts for the nearest root above it: PostgreSQL's postmaster is the server's child.
      long[] sum = new long[3];
      for (long pid : procs.pids()) {
        for (long at = pid, hops = 0; at > 1 && hops < 64; at = procs.parent(at), hops++) {
          if (roots.contains(at)) {
            sum[at == generator ? 0 : at == serverPid ? 1 : 2] += procs.ticksWithReaped(pid);
            break;
          }
        }
      }
      return sum;
    }

    private static String commandLine(long pid) {
      try {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
      } catch (Exception gone) {
        return "";
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  static void printLatency(String what, Latency l, int ok, int errors) {
    System.out.printf("%n%s: %,d jobs one at a time at %.0f/s%s%n", what, ok, l.achievedRate(),
        errors == 0 ? "" : " (" + errors + " errors)");
    System.out.printf("  enqueue -> claim (DB now() to DB now()): p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms "
        + "(%d samples)%n", pct(l.createToClaim(), 50), pct(l.createToClaim(), 95), pct(l.createToClaim(), 99),
        max(l.createToClaim()), l.createToClaim().length);
    System.out.printf("  client send -> claim:                    p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        pct(l.sendToClaim(), 50), pct(l.sendToClaim(), 95), pct(l.sendToClaim(), 99), max(l.sendToClaim()));
  }

  static void summary(Run tf, Run gw) {
    Run g = gw == null ? new Run(null, null, null, null) : gw;
    section("Summary");
    if (tf.w1() != null) {
      header("W1: %,d no-op jobs, %d enqueue clients, concurrency %d".formatted(W1, CLIENTS, CONCURRENCY));
      row("W1 enqueue rate (jobs/s)", tf.w1(), g.w1(), Throughput::enqueueRate);
      row("W1 overall, first enqueue -> all completed (jobs/s)", tf.w1(), g.w1(), Throughput::overallRate);
      row("W1 dispatch-only, first claim -> last done (jobs/s)", tf.w1(), g.w1(), Throughput::dispatchRate);
    }
    if (tf.drain() != null || tf.limit() != null) {
      header("ready backlog of %,d jobs, concurrency %d".formatted(DRAIN_TASKS, CONCURRENCY));
      row("drain, first claim -> all done (jobs/s)", tf.drain(), g.drain(), Throughput::dispatchRate);
      row("physical limit: JDBC, same SQL, no server (jobs/s)", tf.limit(), null, Throughput::dispatchRate);
      if (tf.drain() != null && tf.limit() != null) {
        row("Taskforge drain / physical limit", tf.drain().dispatchRate() / tf.limit().dispatchRate(), Double.NaN,
            "%.2f");
      }
    }
    if (tf.w2() != null) {
      Latency t2 = tf.w2();
      Latency g2 = g.w2();
      header("W2: %,d jobs at ~%d/s, enqueue -> claim".formatted(W2, W2_RATE));
      for (int p : new int[] {50, 95, 99}) {
        row("W2 p" + p + " (ms)", pct(t2.createToClaim(), p), g2 == null ? Double.NaN : pct(g2.createToClaim(), p),
            "%.2f");
      }
      row("W2 max (ms)", max(t2.createToClaim()), g2 == null ? Double.NaN : max(g2.createToClaim()), "%.2f");
      for (int p : new int[] {50, 99}) {
        row("W2 client send -> claim p" + p + " (ms)", pct(t2.sendToClaim(), p),
            g2 == null ? Double.NaN : pct(g2.sendToClaim(), p), "%.2f");
      }
    }
    List<String> measured = CPU_USE.stream().map(PhaseCpu::phase).distinct().toList();
    System.out.printf("  %-54s %12s %12s%n", "other processes' CPU (%), " + String.join(" / ", measured),
        otherCpu("Taskforge", measured), gw == null ? "-" : otherCpu("graphile-worker", measured));
    if (tf.w1() != null || tf.w2() != null) {
      System.out.println();
      System.out.println("targets:");
    }
    if (tf.w1() != null) {
      double overall = tf.w1().overallRate();
      target("W1 overall above 2,000 jobs/s", String.format("%,.0f jobs/s", overall), overall > 2000);
      if (g.w1() != null) {
        target("W1 overall at least graphile-worker's", String.format("%,.0f vs %,.0f jobs/s", overall,
            g.w1().overallRate()), overall >= g.w1().overallRate());
      }
    }
    if (tf.w2() != null) {
      double p99 = pct(tf.w2().createToClaim(), 99);
      target("W2 p99 under 20 ms", String.format("%.2f ms", p99), p99 < 20);
      if (g.w2() != null) {
        double gp99 = pct(g.w2().createToClaim(), 99);
        target("W2 p99 no worse than graphile-worker's", String.format("%.2f vs %.2f ms", p99, gp99), p99 <= gp99);
      }
    }
    System.out.println();
    System.out.println("CPU of the two cores in each measured phase (this bench = load generator, server or worker, "
        + "its PostgreSQL; other = everything else on the machine, which should be near 0):");
    CPU_USE.forEach(c -> System.out.println("  " + c.system() + " " + c.what() + ": " + c.use()));
  }

  static void header(String title) {
    System.out.printf("%-56s %12s %12s %8s%n", title, "Taskforge", "graphile", "TF/gw");
  }

  /** A throughput row: {@code rate} of each system's figures; nothing when Taskforge has none. */
  static void row(String label, Throughput tf, Throughput g, ToDoubleFunction<Throughput> rate) {
    if (tf != null) {
      row(label, rate.applyAsDouble(tf), g == null ? Double.NaN : rate.applyAsDouble(g), "%,.0f");
    }
  }

  /** Other processes' share of the CPU in each of {@code phases} measured for {@code system}, "-" where none. */
  static String otherCpu(String system, List<String> phases) {
    return phases.stream().map(phase -> CPU_USE.stream()
        .filter(c -> c.system().equals(system) && c.phase().equals(phase))
        .map(c -> String.format("%.0f", c.use().other())).findFirst().orElse("-")).reduce((a, b) -> a + "/" + b)
        .orElse("-");
  }

  static void row(String label, double tf, double g, String format) {
    System.out.printf("  %-54s %12s %12s %8s%n", label, String.format(format, tf),
        Double.isNaN(g) ? "-" : String.format(format, g), Double.isNaN(g) ? "-" : String.format("%.2f", tf / g));
  }

  static void target(String what, String value, boolean met) {
    System.out.printf("  %-42s %-26s %s%n", what, value, met ? "met" : "MISSED");
  }

  static void section(String title) {
    System.out.printf("%n== %s ==%n", title);
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing

  static final Map<String, String> EMAILS = new ConcurrentHashMap<>();

  /** A new account named {@code name}, logged in: its bearer token. */
  static String token(String name) throws Exception {
    String email = "queue-bench-" + name + "@example.com";
    String token = BenchHttp.signIn(http, base, email, PASSWORD);
    EMAILS.put(token, email);
    return token;
  }

  static String email(String token) {
    return EMAILS.get(token);
  }

  static HttpRequest post(String path, String token, String body) {
    return BenchHttp.request("POST", base + path, token, body).build();
  }

  static String field(String json, String name) {
    int at = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
    return json.substring(at, json.indexOf('"', at));
  }

  static void runClients(Runnable client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
      pool.submit(client);
    }
    pool.shutdown();
    if (!pool.awaitTermination(1, TimeUnit.HOURS)) {
      throw new IllegalStateException("clients did not finish");
    }
  }

  /**
   * Polls {@code countSql} (what is left unfinished) until it answers 0, often once little is
   * left; returns the wall clock, in microseconds, of the poll that saw 0.
   */
  static long waitUntil(Connection db, String countSql) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    try (PreparedStatement ps = db.prepareStatement(countSql)) {
      while (System.nanoTime() < deadline) {
        long left;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          left = rs.getLong(1);
        }
        if (left == 0) {
          return nowMicros();
        }
        Thread.sleep(left > 2000 ? 50 : left > 200 ? 10 : 2);
      }
    }
    throw new IllegalStateException("jobs still unfinished after 30 minutes: " + countSql);
  }

  /** A checkpoint before each measured phase, so none pays for the writes of the one before. */
  /**
   * Before each phase: every table vacuumed and analyzed, then a checkpoint, so that neither system
   * measures while autovacuum works through what the phases before it wrote (graphile-worker's phases
   * come after Taskforge's, on the same database).
   */
  static void checkpoint(Connection db) throws Exception {
    try (Statement s = db.createStatement()) {
      s.execute("VACUUM (ANALYZE)");
      s.execute("CHECKPOINT");
    }
    Thread.sleep(300);
  }

  static long[] longs(Connection db, String sql, Object... params) throws Exception {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long[] out = new long[rs.getMetaData().getColumnCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = rs.getLong(i + 1);
        }
        return out;
      }
    }
  }

  static Connection connect() throws Exception {
    return DriverManager.getConnection(jdbcUrl, "postgres", dbPassword);
  }

  static void pace(long atNanos) {
    long wait;
    while ((wait = atNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  static long[] sorted(long[] a) {
    Arrays.sort(a);
    return a;
  }

  static double pct(long[] sortedMicros, int p) {
    return Percentiles.millis(sortedMicros, p);
  }

  static double max(long[] sortedMicros) {
    return sortedMicros.length == 0 ? Double.NaN : sortedMicros[sortedMicros.length - 1] / 1000.0;
  }

  static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
