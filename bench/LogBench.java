import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Driver of bench/log-bench.sh: live log ingestion through the external workers' API, watched by
 * WebSocket tails, beside a plain multi-row INSERT of the same rows into the same database.
 *
 * <p>Each phase claims BENCH_EXECUTIONS executions of its own (tasks on a queue the built-in
 * dispatcher does not serve) as one external worker, opens one WebSocket tail per execution
 * ({@code after=0}, the owner's session token), then every execution posts batches of
 * BENCH_BATCH lines of 120 bytes, one call in flight per execution (so its lines keep their order):
 * <ul>
 *   <li>"max": each execution posts its next batch as soon as the previous one is answered — the
 *       most the server stores and delivers;
 *   <li>"paced": the executions together offer BENCH_RATE lines/s (each posts a batch every
 *       BATCH * EXECUTIONS / RATE seconds, or at once when late) — the latency at the target rate;
 *   <li>"light": the same at BENCH_LIGHT_RATE lines/s — the latency below saturation.
 * </ul>
 * Every line's text starts with {@code t=<nanos>}, the bench clock when its batch was posted; the
 * tail that receives it takes receipt - t (same JVM, same clock). Stored = lines whose call was
 * answered (lastSeq) inside the measured window; delivered = lines that reached a tail inside it.
 * After the window the senders stop, the tails catch up, each execution is completed (the tail
 * must then send "end"), and both the tails (seqs 1..N, in order, once each) and the table
 * (per execution 1..log_seq, no gap or duplicate) are checked.
 *
 * <p>Baseline, right after "max", with the server idle: as many rows as "max" stored, of the same
 * shape, INSERTed straight into execution_logs with unnest arrays, in statements of the size the
 * server's flushes had on average (counted by a statement trigger this bench adds to its own
 * throwaway database), from BENCH_BASELINE_CONNECTIONS connections.
 *
 * <p>Search, last: full-text search over BENCH_SEARCH_LINES lines of one execution, today's (no
 * search index while a day is written) and a closed day's (indexed), through the API.
 */
public class LogBench {
  static final int SECONDS = BenchEnv.integer("BENCH_SECONDS", 30);
  static final int WARMUP = BenchEnv.integer("BENCH_WARMUP", 5);
  static final int EXECUTIONS = BenchEnv.integer("BENCH_EXECUTIONS", 100);
  static final int BATCH = BenchEnv.integer("BENCH_BATCH", 100);
  static final int RATE = BenchEnv.integer("BENCH_RATE", 50_000);
  static final int LIGHT_RATE = BenchEnv.integer("BENCH_LIGHT_RATE", 5_000);
  static final int BASELINE_CONNECTIONS = BenchEnv.integer("BENCH_BASELINE_CONNECTIONS", 4);
  static final int BASELINE_BATCH = BenchEnv.integer("BENCH_BASELINE_BATCH", 0);
  static final String PHASES = System.getenv().getOrDefault("BENCH_PHASES", "max,paced,light,search");
  static final int LINE_BYTES = 120;
  static final String WORKER = "log-bench-1";
  static final String PASSWORD = "log-bench-password-1";

  static final double TARGET_LINES = 50_000;
  static final double TARGET_P99_MS = 100;
  static final double TARGET_BASELINE_SHARE = 0.8;

  /** The bench clock: nanoseconds since start, always positive, comparable across threads. */
  static final long EPOCH = System.nanoTime();

  static String base;
  static String host;
  static int port;
  static Path dataDir;
  static long serverPid;
  static HttpClient setupHttp;
  static String session;
  static String apiToken;
  static Vertx vertx;
  static HttpClientAgent http;
  static WebSocketClient wsClient;
  static Connection db;

  public static void main(String[] args) {
    BenchMain.exitAfter(() -> run(args));
  }

  static void run(String[] args) throws Exception {
    base = args[0];
    URI uri = URI.create(base);
    host = uri.getHost();
    port = uri.getPort();
    dataDir = Path.of(args[1]);
    serverPid = args.length > 2 ? Long.parseLong(args[2]) : -1;
    db = BenchDatabase.connect(dataDir);
    countInsertStatements();

    setupHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
        .build();
    session = login();
    apiToken = field(send("POST", "/api/tokens", session, "{\"name\":\"log-bench\"}", 201), "token");

    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost(host).setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(EXECUTIONS + 16));
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(16 << 20).setMaxConnections(EXECUTIONS + 16));

    System.out.printf("log bench: %d executions, batches of %d lines of %d bytes, %d WebSocket tails, %d s "
        + "measured after %d s warm-up; paced phase offers %,d lines/s%n", EXECUTIONS, BATCH, LINE_BYTES, EXECUTIONS,
        SECONDS, WARMUP, RATE);
    System.out.printf("phases: %s (light offers %,d lines/s)%n", PHASES, LIGHT_RATE);

    Result max = null;
    Result paced = null;
    Result light = null;
    Baseline baseline = null;
    for (String phase : PHASES.split(",")) {
      switch (phase.trim()) {
        case "max" -> {
          max = phase("max", 0);
          // Right after "max", with the server idle: the table as it stands after the same load.
          baseline = baseline(max);
        }
        case "paced" -> paced = RATE > 0 ? phase("paced", RATE) : null;
        case "light" -> light = LIGHT_RATE > 0 ? phase("light", LIGHT_RATE) : null;
        case "search" -> search();
        case "" -> { }
        default -> throw new IllegalArgumentException("unknown phase " + phase);
      }
    }
    summary(max, paced, light, baseline);
  }

  // ---------------------------------------------------------------------------------------------
  // One ingestion phase

  record Result(String name, int executions, long storedLines, long deliveredLines, double seconds, long calls,
      long busy, Map<String, Long> errors, long[] latencyMicros, long inserts, long insertedRows, ServerCpu cpu,
      long lateSends, long postedCalls, String tailCheck, boolean tailsOk, String tableCheck, boolean tableOk, int ends,
      long totalLines) {
    double stored() {
      return storedLines / seconds;
    }

    double delivered() {
      return deliveredLines / seconds;
    }

    double p(int pct) {
      return pct(latencyMicros, pct);
    }

    double rowsPerInsert() {
      return inserts == 0 ? Double.NaN : insertedRows / (double) inserts;
    }
  }

  /** The measured window, shared by senders and tails (bench clock). */
  static volatile long windowStart = Long.MAX_VALUE;
  static volatile long windowEnd = Long.MAX_VALUE;
  static volatile boolean stopping;

  static Result phase(String name, int rate) throws Exception {
    System.out.printf("%n== %s: %s ==%n", name, rate == 0
        ? "every execution posts its next batch as soon as the last one is answered"
        : String.format("the executions together offer %,d lines/s", rate));
    settle();
    stopping = false;
    windowStart = Long.MAX_VALUE;
    windowEnd = Long.MAX_VALUE;
    List<Exec> execs = claim(name);
    LongAdder stored = new LongAdder();
    LongAdder calls = new LongAdder();
    LongAdder busy = new LongAdder();
    LongAdder late = new LongAdder();
    LongAdder posted = new LongAdder();
    Map<String, Long> errors = new ConcurrentHashMap<>();

    // Tails first, so they see every line from seq 1.
    List<Future<WebSocket>> sockets = new ArrayList<>();
    for (Exec e : execs) {
      sockets.add(wsClient.connect(new WebSocketConnectOptions().setHost(host).setPort(port)
              .setURI("/ws/executions/" + e.id + "/logs?after=0").addHeader("Authorization", "Bearer " + session))
          .onSuccess(ws -> {
            e.ws = ws;
            ws.textMessageHandler(text -> e.tail.onMessage(text, now()));
            ws.closeHandler(v -> e.tail.closed(ws.closeStatusCode(), ws.closeReason()));
            ws.exceptionHandler(t -> errors.merge("websocket " + t.getClass().getSimpleName(), 1L, Long::sum));
          }));
    }
    await(Future.all(sockets), 60);

    long heartbeatTimer = vertx.setPeriodic(20_000, id -> {
      for (Exec e : execs) {
        post("/api/worker/executions/" + e.id + "/heartbeat", "{\"workerId\":\"" + WORKER + "\"}").onComplete(ar -> {
          if (ar.failed() || ar.result().status != 200) {
            errors.merge("heartbeat " + (ar.failed() ? ar.cause().getClass().getSimpleName() : ar.result().status),
                1L, Long::sum);
          }
        });
      }
    });

    long intervalNanos = rate == 0 ? 0 : (long) (BATCH * 1e9 * execs.size() / rate);
    long start = now();
    windowStart = start + TimeUnit.SECONDS.toNanos(WARMUP);
    windowEnd = windowStart + TimeUnit.SECONDS.toNanos(SECONDS);
    List<Future<Void>> senders = new ArrayList<>();
    for (Exec e : execs) {
      Promise<Void> done = Promise.promise();
      senders.add(done.future());
      e.nextAt = start + (rate == 0 ? 0 : ThreadLocalRandom.current().nextLong(intervalNanos));
      Sender s = new Sender(e, intervalNanos, stored, calls, busy, late, posted, errors, done);
      vertx.setTimer(Math.max(1, (e.nextAt - now()) / 1_000_000), id -> s.next());
    }
    Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(windowStart - now())));
    ServerCpu before = ServerCpu.sample(serverPid, dataDir);
    long insertsBefore = insertStatements();
    Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(windowEnd - now())));
    ServerCpu cpu = ServerCpu.sample(serverPid, dataDir).minus(before);
    long inserts = insertStatements() - insertsBefore;
    stopping = true;
    await(Future.all(senders), 120);
    vertx.cancelTimer(heartbeatTimer);
    long delivered = execs.stream().mapToLong(e -> e.tail.inWindow()).sum();
    long storedLines = stored.sum();
    double seconds = (windowEnd - windowStart) / 1e9;

    // The tails catch up with everything stored, then each execution ends.
    long drainStart = now();
    while (now() - drainStart < TimeUnit.SECONDS.toNanos(60)
        && !execs.stream().allMatch(e -> e.tail.last() >= e.acked)) {
      Thread.sleep(50);
    }
    double drainMs = (now() - drainStart) / 1e6;
    List<Future<Answer>> completions = new ArrayList<>();
    for (Exec e : execs) {
      completions.add(post("/api/worker/executions/" + e.id + "/complete",
          "{\"workerId\":\"" + WORKER + "\",\"summary\":\"log bench\"}"));
    }
    await(Future.join(completions), 60);
    for (Future<Answer> c : completions) {
      if (c.failed() || c.result().status != 200) {
        errors.merge("complete " + (c.failed() ? c.cause().getClass().getSimpleName() : c.result().status), 1L,
            Long::sum);
      }
    }
    long endWait = now();
    while (now() - endWait < TimeUnit.SECONDS.toNanos(15) && !execs.stream().allMatch(e -> e.tail.ended())) {
      Thread.sleep(50);
    }
    int ends = (int) execs.stream().filter(e -> e.tail.ended()).count();
    for (Exec e : execs) {
      if (e.ws != null && !e.ws.isClosed()) {
        e.ws.close();
      }
    }

    // Checks: every tail got 1..N once each, in order; the table holds 1..log_seq for each.
    int tailsOk = 0;
    long gaps = 0;
    long duplicates = 0;
    long totalLines = 0;
    List<long[]> samples = new ArrayList<>();
    Map<String, Long> closes = new HashMap<>();
    for (Exec e : execs) {
      synchronized (e.tail) {
        gaps += e.tail.gaps;
        duplicates += e.tail.duplicates;
        if (e.tail.gaps == 0 && e.tail.duplicates == 0 && e.tail.expected - 1 == e.acked) {
          tailsOk++;
        }
        samples.add(Arrays.copyOf(e.tail.latencies, e.tail.n));
        if (e.tail.closeCode != null && e.tail.closeCode != 1000) {
          closes.merge(e.tail.closeCode + " " + e.tail.closeReason, 1L, Long::sum);
        }
      }
      totalLines += e.acked;
    }
    long[] latencies = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    String tailCheck = String.format("%d/%d tails got seqs 1..N in order, each once (gaps %d, duplicates %d)%s",
        tailsOk, execs.size(), gaps, duplicates, closes.isEmpty() ? "" : "; closed abnormally: " + closes);
    String[] table = tableCheck(execs);

    Result r = new Result(name, execs.size(), storedLines, delivered, seconds, calls.sum(), busy.sum(),
        new HashMap<>(errors), latencies, inserts, storedLines, cpu, late.sum(), posted.sum(), tailCheck,
        tailsOk == execs.size(), table[0], table[1] != null, ends, totalLines);
    System.out.printf("stored     %,12d lines in %.1f s: %,9.0f lines/s (%,d calls answered in the window, %,d "
        + "posted)%n", r.storedLines(), seconds, r.stored(), r.calls(), r.postedCalls());
    System.out.printf("delivered  %,12d lines in %.1f s: %,9.0f lines/s (to %d WebSocket tails)%n", delivered, seconds,
        r.delivered(), execs.size());
    System.out.printf("latency    ingest call -> WebSocket receipt: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
        + "max %.1f ms (%,d lines posted in the window)%n", r.p(50), r.p(90), r.p(99), r.p(100), latencies.length);
    System.out.printf("server     %,d INSERTs into execution_logs in the window, %.0f rows each on average; "
        + "503 answers: %d; errors: %s%n", inserts, r.rowsPerInsert(), r.busy(), errors.isEmpty() ? "none" : errors);
    if (rate > 0) {
      System.out.printf("pacing     %,d of %,d sends were late (posted after their slot because the previous call "
          + "was still unanswered)%n", r.lateSends(), r.postedCalls());
    }
    System.out.printf("cpu        %s%n", cpu.coresBusy());
    System.out.printf("drain      tails caught up %.0f ms after the senders stopped; %d/%d got \"end\" after "
        + "completion%n", drainMs, ends, execs.size());
    System.out.printf("check      %s%n", tailCheck);
    System.out.printf("check      %s%n", table[0]);
    return r;
  }

  /** One execution: its sender's state and its tail. */
  static final class Exec {
    final String id;
    final int index;
    final Tail tail = new Tail();
    volatile long acked;
    long counter;
    long nextAt;
    WebSocket ws;

    Exec(String id, int index) {
      this.id = id;
      this.index = index;
    }

    /** A batch of lines stamped with {@code sentAt}. */
    String body(long sentAt) {
      StringBuilder b = new StringBuilder(BATCH * (LINE_BYTES + 16) + 64);
      b.append("{\"workerId\":\"").append(WORKER).append("\",\"lines\":[");
      for (int i = 0; i < BATCH; i++) {
        b.append(i == 0 ? "{\"message\":\"" : ",{\"message\":\"");
        message(b, sentAt, index, ++counter);
        b.append("\"}");
      }
      return b.append("]}").toString();
    }
  }

  static final String FILLER = " worker step: compiling module, running tests, writing report; all lines padded to"
      + " the same length for the benchmark ........................................................";

  /** A line of exactly {@value #LINE_BYTES} ASCII bytes: "t=<bench nanos> e=<execution> n=<counter> filler". */
  static void message(StringBuilder b, long sentAt, int exec, long n) {
    int start = b.length();
    b.append("t=").append(sentAt).append(" e=").append(exec).append(" n=").append(n);
    b.append(FILLER, 0, LINE_BYTES - (b.length() - start));
  }

  static String message(long sentAt, int exec, long n) {
    StringBuilder b = new StringBuilder(LINE_BYTES);
    message(b, sentAt, exec, n);
    return b.toString();
  }

  /** Posts one execution's batches, one call in flight, until the phase stops. */
  static final class Sender {
    final Exec e;
    final long interval;
    final LongAdder stored;
    final LongAdder calls;
    final LongAdder busy;
    final LongAdder late;
    final LongAdder posted;
    final Map<String, Long> errors;
    final Promise<Void> done;
    final String path;

    Sender(Exec e, long interval, LongAdder stored, LongAdder calls, LongAdder busy, LongAdder late,
        LongAdder posted, Map<String, Long> errors, Promise<Void> done) {
      this.e = e;
      this.interval = interval;
      this.stored = stored;
      this.calls = calls;
      this.busy = busy;
      this.late = late;
      this.posted = posted;
      this.errors = errors;
      this.done = done;
      this.path = "/api/worker/executions/" + e.id + "/logs";
    }

    void next() {
      if (stopping) {
        done.tryComplete();
        return;
      }
      long sentAt = now();
      boolean inWindow = sentAt >= windowStart && sentAt < windowEnd;
      if (inWindow) {
        posted.increment();
      }
      if (interval > 0) {
        if (inWindow && sentAt - e.nextAt > 1_000_000) { // over a millisecond behind its slot
          late.increment();
        }
        e.nextAt = Math.max(e.nextAt + interval, sentAt);
      }
      post(path, e.body(sentAt)).onComplete(ar -> {
        long at = now();
        long wait = 0;
        if (ar.failed()) {
          errors.merge("logs " + ar.cause().getClass().getSimpleName(), 1L, Long::sum);
          wait = 100;
        } else if (ar.result().status == 200) {
          e.acked = new JsonObject(ar.result().body).getLong("lastSeq");
          if (at >= windowStart && at < windowEnd) {
            stored.add(BATCH);
            calls.increment();
          }
        } else if (ar.result().status == 503) {
          busy.increment();
          String retry = ar.result().retryAfter;
          wait = 1000L * (retry == null ? 1 : Long.parseLong(retry.trim()));
        } else {
          errors.merge("logs " + ar.result().status + " " + abbreviate(ar.result().body), 1L, Long::sum);
          wait = 100;
        }
        if (wait == 0 && interval > 0) {
          wait = Math.max(0, (e.nextAt - now()) / 1_000_000);
        }
        if (wait == 0) {
          next();
        } else {
          vertx.setTimer(wait, id -> next());
        }
      });
    }
  }

  /** One WebSocket tail: what it received, checked line by line; latency of lines posted in the window. */
  static final class Tail {
    long expected = 1;
    long gaps;
    long duplicates;
    long received;
    long receivedInWindow;
    long[] latencies = new long[1 << 14];
    int n;
    boolean ended;
    Short closeCode;
    String closeReason;

    synchronized void onMessage(String text, long at) {
      if (!text.startsWith("{\"type\":\"lines\"")) {
        if (text.contains("\"type\":\"end\"")) {
          ended = true;
        }
        return;
      }
      boolean inWindow = at >= windowStart && at < windowEnd;
      int i = 0;
      while ((i = text.indexOf("{\"seq\":", i)) >= 0) {
        i += 7;
        int j = digitsEnd(text, i);
        long seq = Long.parseLong(text, i, j, 10);
        int m = text.indexOf("\"message\":\"t=", j) + 13;
        int k = digitsEnd(text, m);
        long sentAt = Long.parseLong(text, m, k, 10);
        i = k;
        if (seq == expected) {
          expected++;
        } else if (seq < expected) {
          duplicates++;
        } else {
          gaps += seq - expected;
          expected = seq + 1;
        }
        received++;
        if (inWindow) {
          receivedInWindow++;
        }
        if (sentAt >= windowStart && sentAt < windowEnd) {
          if (n == latencies.length) {
            latencies = Arrays.copyOf(latencies, n * 2);
          }
          latencies[n++] = (at - sentAt) / 1000;
        }
      }
    }

    synchronized void closed(Short code, String reason) {
      closeCode = code;
      closeReason = reason;
    }

    synchronized long last() {
      return expected - 1;
    }

    synchronized long inWindow() {
      return receivedInWindow;
    }

    synchronized boolean ended() {
      return ended;
    }
  }

  static int digitsEnd(String s, int i) {
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Tasks on a queue of the phase's own, claimed by this bench's worker; each heartbeaten once (RUNNING). */
  static List<Exec> claim(String phase) throws Exception {
    String queue = "log-bench-" + phase;
    for (int i = 0; i < EXECUTIONS; i++) {
      send("POST", "/api/tasks", session, "{\"title\":\"log bench " + phase + " " + i
          + "\",\"prompt\":\"write logs\",\"config\":{\"queue\":\"" + queue + "\"}}", 201);
    }
    List<Exec> execs = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (execs.size() < EXECUTIONS && System.nanoTime() < deadline) {
      JsonArray items = new JsonObject(send("POST", "/api/worker/claim", apiToken, "{\"queues\":[\"" + queue
          + "\"],\"max\":" + Math.min(100, EXECUTIONS - execs.size()) + ",\"waitSeconds\":1,\"workerId\":\"" + WORKER
          + "\"}", 200)).getJsonArray("items");
      for (Object o : items) {
        execs.add(new Exec(((JsonObject) o).getString("executionId"), execs.size()));
      }
    }
    if (execs.size() < EXECUTIONS) {
      throw new IllegalStateException("claimed only " + execs.size() + " of " + EXECUTIONS + " executions");
    }
    for (Exec e : execs) {
      send("POST", "/api/worker/executions/" + e.id + "/heartbeat", apiToken, "{\"workerId\":\"" + WORKER
          + "\",\"progress\":0.1}", 200);
    }
    return execs;
  }

  /** {checked text, non-null when every execution is gapless and matches its log_seq and the tail}. */
  static String[] tableCheck(List<Exec> execs) throws Exception {
    Map<String, Long> acked = new HashMap<>();
    execs.forEach(e -> acked.put(e.id, e.acked));
    int ok = 0;
    long rows = 0;
    List<String> bad = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement("""
        SELECT e.id::text, e.log_seq, count(l.seq), coalesce(min(l.seq), 0), coalesce(max(l.seq), 0),
               count(DISTINCT l.seq)
          FROM task_executions e LEFT JOIN execution_logs l ON l.execution_id = e.id
         WHERE e.id = ANY (?::uuid[])
         GROUP BY e.id, e.log_seq
        """)) {
      ps.setArray(1, db.createArrayOf("text", acked.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long logSeq = rs.getLong(2);
          long count = rs.getLong(3);
          rows += count;
          boolean good = count == logSeq && rs.getLong(6) == count && (count == 0 || rs.getLong(4) == 1)
              && rs.getLong(5) == count && logSeq == acked.get(rs.getString(1));
          if (good) {
            ok++;
          } else if (bad.size() < 3) {
            bad.add(String.format("%s: log_seq %d, rows %d, seqs %d..%d, distinct %d, last answered %d",
                rs.getString(1), logSeq, count, rs.getLong(4), rs.getLong(5), rs.getLong(6), acked.get(rs.getString(1))));
          }
        }
      }
    }
    String text = String.format("%d/%d executions hold seqs 1..log_seq once each in the table, matching the last "
        + "lastSeq answered (%,d rows)%s", ok, execs.size(), rows, bad.isEmpty() ? "" : "; e.g. " + bad);
    return new String[] {text, ok == execs.size() ? "ok" : null};
  }

  // ---------------------------------------------------------------------------------------------
  // Baseline

  record Baseline(long rows, int batch, int connections, double seconds) {
    double rate() {
      return rows / seconds;
    }
  }

  static Baseline baseline(Result max) throws Exception {
    long rows = Long.parseLong(System.getenv().getOrDefault("BENCH_BASELINE_ROWS", Long.toString(max.storedLines())));
    int batch = BASELINE_BATCH > 0 ? BASELINE_BATCH
        : (int) Math.max(1, Math.round(Double.isNaN(max.rowsPerInsert()) ? 500 : max.rowsPerInsert()));
    System.out.printf("%n== baseline: %,d rows of the same shape INSERTed straight into execution_logs, %d rows per "
        + "statement (the server's average in \"max\"), %d connections, server idle ==%n", rows, batch,
        BASELINE_CONNECTIONS);
    try (Statement s = db.createStatement()) {
      s.execute("DROP TRIGGER IF EXISTS log_bench_count_inserts ON execution_logs");
    }
    // Executions of their own (the same tasks as the bench's), so seqs never collide.
    List<String> ids = new ArrayList<>();
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("""
        INSERT INTO task_executions (task_id, status, worker_id)
        SELECT t.id, 'RUNNING', 'log-bench-baseline' FROM tasks t
         WHERE t.title LIKE 'log bench %' ORDER BY t.created_at""" + " LIMIT " + EXECUTIONS + " RETURNING id::text")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    AtomicLong[] seqs = new AtomicLong[ids.size()];
    for (int i = 0; i < seqs.length; i++) {
      seqs[i] = new AtomicLong();
    }
    baselineIds = ids;
    baselineSeqs = seqs;
    Baseline b = insertRows(ids, seqs, rows, batch, "baseline");
    countInsertStatements(); // back for the phases that follow
    return b;
  }

  /**
   * Each phase starts on a vacuumed, analyzed table: otherwise autovacuum works through the rows of
   * the phase (or baseline) before it while this one is measured, a cost no server of this kind pays
   * in bursts of a million rows a minute.
   */
  static void settle() throws Exception {
    long t0 = now();
    try (Statement s = db.createStatement()) {
      s.execute("VACUUM (ANALYZE) execution_logs, task_executions");
    }
    System.out.printf("(vacuumed and analyzed execution_logs before the phase in %.1f s)%n", (now() - t0) / 1e9);
  }

  static List<String> baselineIds;
  static AtomicLong[] baselineSeqs;

  /** {@code rows} rows in statements of {@code batch}, from BASELINE_CONNECTIONS connections, after a short warm-up. */
  static Baseline insertRows(List<String> ids, AtomicLong[] seqs, long rows, int batch, String label)
      throws Exception {
    AtomicLong left = new AtomicLong();
    AtomicLong cursor = new AtomicLong();
    ServerCpu cpu = null;
    long elapsed = 0;
    ExecutorService pool = Executors.newFixedThreadPool(BASELINE_CONNECTIONS);
    List<Connection> connections = new ArrayList<>();
    for (int c = 0; c < BASELINE_CONNECTIONS; c++) {
      connections.add(BenchDatabase.connect(dataDir));
    }
    for (int round = 0; round < 2; round++) {
      boolean measured = round == 1;
      left.set(measured ? rows : Math.min(rows, 20L * batch));
      ServerCpu before = ServerCpu.sample(serverPid, dataDir);
      long t0 = now();
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (Connection c : connections) {
        running.add(pool.submit(() -> {
          try (PreparedStatement ps = c.prepareStatement("""
              INSERT INTO execution_logs (execution_id, seq, logged_at, level, source, message, details, component,
                                          operation, correlation_id)
              SELECT l.execution_id, l.seq, l.logged_at, 'INFO'::log_level, 'WORKER'::log_source, l.message,
                     NULL, NULL, NULL, NULL
                FROM unnest(?::uuid[], ?::bigint[], ?::timestamptz[], ?::text[])
                     AS l (execution_id, seq, logged_at, message)
              """)) {
            while (true) {
              long take = Math.min(batch, left.getAndAdd(-batch));
              if (take <= 0) {
                return null;
              }
              int n = (int) take;
              String[] exec = new String[n];
              Long[] seq = new Long[n];
              String[] at = new String[n];
              String[] text = new String[n];
              String stamp = OffsetDateTime.now(ZoneOffset.UTC).toString();
              long sentAt = now();
              long first = cursor.getAndAdd(n);
              for (int i = 0; i < n; i++) {
                int e = (int) ((first + i) % ids.size());
                exec[i] = ids.get(e);
                seq[i] = seqs[e].incrementAndGet();
                at[i] = stamp;
                text[i] = message(sentAt, e, seq[i]);
              }
              ps.setArray(1, c.createArrayOf("text", exec));
              ps.setArray(2, c.createArrayOf("int8", seq));
              ps.setArray(3, c.createArrayOf("text", at));
              ps.setArray(4, c.createArrayOf("text", text));
              ps.executeUpdate();
            }
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : running) {
        f.get();
      }
      if (measured) {
        elapsed = now() - t0;
        cpu = ServerCpu.sample(serverPid, dataDir).minus(before);
      }
    }
    pool.shutdown();
    for (Connection c : connections) {
      c.close();
    }
    Baseline b = new Baseline(rows, batch, BASELINE_CONNECTIONS, elapsed / 1e9);
    long total = 0;
    for (AtomicLong s : seqs) {
      total += s.get();
    }
    long stored;
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT count(*) FROM execution_logs WHERE execution_id = ANY (?::uuid[])")) {
      ps.setArray(1, db.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        stored = rs.getLong(1);
      }
    }
    System.out.printf("%-10s %,d rows in %.1f s: %,.0f rows/s (table check: %,d of %,d rows written so far are "
        + "there)%n", label, rows, b.seconds(), b.rate(), stored, total);
    System.out.printf("cpu        %s%n", cpu.coresBusy());
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Summary

  // ---------------------------------------------------------------------------------------------
  // Search over a long log: today's lines (no search index while a day is written) and a closed day's

  static final int SEARCH_LINES = BenchEnv.integer("BENCH_SEARCH_LINES", 1_000_000);

  /**
   * SEARCH_LINES lines written straight into one execution's log, once as today's and once as
   * yesterday's (whose partition then gets its search index, as the maintenance gives a closed
   * day); then q= searches through the API for a rare word (10 lines) and a common one, first page
   * of 100, each timed eleven times.
   */
  static void search() throws Exception {
    System.out.printf("%n== search: %,d lines of one execution, GET .../logs?q=...&limit=100 ==%n", SEARCH_LINES);
    List<Exec> execs = claim("search");
    for (int day = 0; day <= 1; day++) {
      String execution = execs.get(day).id;
      long t0 = System.nanoTime();
      try (Statement s = db.createStatement()) {
        if (day == 1) {
          // The day's lines are written while it is open, before its partition has its index; the
          // server's start-up maintenance indexed yesterday's partition already, empty.
          s.execute("DROP INDEX IF EXISTS execution_logs_p" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
              .minusDays(1).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE) + "_search");
        }
        s.execute("INSERT INTO execution_logs (execution_id, seq, logged_at, level, source, message) "
            + "SELECT '" + execution + "', n, now() - interval '" + day + " day' + n * interval '1 microsecond', 'INFO', "
            + "'STDOUT', CASE WHEN n % " + Math.max(1, SEARCH_LINES / 10) + " = 0 THEN 'found the needle at ' || n "
            + "ELSE 'step ' || n || ' compiled module ' || (n % 97) || ' without warnings' END "
            + "FROM generate_series(1, " + SEARCH_LINES + ") AS n");
        s.execute("UPDATE task_executions SET log_seq = " + SEARCH_LINES + " WHERE id = '" + execution + "'");
      }
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      String what = day == 0 ? "today's lines (no search index)" : "a closed day's lines (its partition indexed)";
      if (day == 1) {
        long b0 = System.nanoTime();
        long built = queryLong("SELECT index_closed_log_days((now() AT TIME ZONE 'UTC')::date)");
        System.out.printf("  closed days' search indexes built: %d in %.1f s%n", built, (System.nanoTime() - b0) / 1e9);
      }
      System.out.printf("  %s: %,d lines written in %.1f s%n", what, SEARCH_LINES, loadSeconds);
      for (String q : List.of("needle", "compiled")) {
        // Eleven times each: past five calls on one connection PostgreSQL may run a kept statement on
        // its generic plan, which is what a user searching again and again gets.
        long[] micros = new long[11];
        int items = 0;
        for (int i = 0; i < micros.length; i++) {
          long s0 = System.nanoTime();
          String body = send("GET", "/api/executions/" + execution + "/logs?q=" + q + "&limit=100", session, null, 200);
          micros[i] = (System.nanoTime() - s0) / 1000;
          items = new JsonObject(body).getJsonArray("items").size();
        }
        Arrays.sort(micros);
        System.out.printf("    q=%-9s %3d lines answered; median %,.1f ms, max %,.1f ms%n", q, items,
            micros[micros.length / 2] / 1000.0, micros[micros.length - 1] / 1000.0);
      }
    }
  }

  static void summary(Result max, Result paced, Result light, Baseline baseline) {
    System.out.printf("%n== targets (this %d-core machine; bench, server and PostgreSQL share the cores) ==%n",
        Runtime.getRuntime().availableProcessors());
    if (max != null) {
      target("stored lines/s (max)", ">= " + fmt(TARGET_LINES), fmt(max.stored()), max.stored() >= TARGET_LINES);
      target("delivered lines/s (max)", ">= " + fmt(TARGET_LINES), fmt(max.delivered()),
          max.delivered() >= TARGET_LINES);
      System.out.printf("  %-44s %-12s %-12s %s%n", "p99 latency (max)", "", String.format("%.1f ms", max.p(99)),
          "(for reference: every sender always has a call in flight, so this is queueing)");
    }
    if (paced != null) {
      target("stored lines/s (paced " + fmt(RATE) + ")", ">= " + fmt(TARGET_LINES), fmt(paced.stored()),
          paced.stored() >= TARGET_LINES);
      target("delivered lines/s (paced)", ">= " + fmt(TARGET_LINES), fmt(paced.delivered()),
          paced.delivered() >= TARGET_LINES);
      target("p99 latency (paced)", "< " + fmt(TARGET_P99_MS) + " ms", String.format("%.1f ms", paced.p(99)),
          paced.p(99) < TARGET_P99_MS);
    }
    if (light != null) {
      System.out.printf("  %-44s %-12s %-12s %s%n", "p99 latency (light, " + fmt(LIGHT_RATE) + " lines/s offered)", "",
          String.format("%.1f ms", light.p(99)), "(for reference: latency below saturation)");
    }
    if (max != null && baseline != null) {
      double share = max.stored() / baseline.rate();
      target("stored (max) / baseline " + fmt(baseline.rate()) + " rows/s", ">= " + TARGET_BASELINE_SHARE,
          String.format("%.2f", share), share >= TARGET_BASELINE_SHARE);
    }
    for (Result r : new Result[] {max, paced, light}) {
      if (r != null) {
        System.out.printf("  %-6s %s; %s; 503 answers %d; errors %s%n", r.name(), r.tailsOk() ? "tails ok" : "TAILS NOT OK",
            r.tableOk() ? "table ok" : "TABLE NOT OK", r.busy(), r.errors().isEmpty() ? "none" : r.errors());
      }
    }
  }

  static void target(String what, String target, String value, boolean met) {
    System.out.printf("  %-44s %-12s %-12s %s%n", what, target, value, met ? "met" : "MISSED");
  }

  static String fmt(double v) {
    return String.format("%,.0f", v);
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing

  /** Counts INSERT statements into execution_logs (a statement trigger on this bench's own database). */
  static void countInsertStatements() throws Exception {
    try (Statement s = db.createStatement()) {
      s.execute("CREATE SEQUENCE IF NOT EXISTS log_bench_inserts");
      s.execute("""
          CREATE OR REPLACE FUNCTION log_bench_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN PERFORM nextval('log_bench_inserts'); RETURN NULL; END $$""");
      s.execute("DROP TRIGGER IF EXISTS log_bench_count_inserts ON execution_logs");
      s.execute("CREATE TRIGGER log_bench_count_inserts AFTER INSERT ON execution_logs FOR EACH STATEMENT "
          + "EXECUTE FUNCTION log_bench_count_insert()");
    }
  }

  static long insertStatements() throws Exception {
    return queryLong("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM log_bench_inserts");
  }

  static long queryLong(String sql) throws Exception {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  record Answer(int status, String retryAfter, String body) {}

  static Future<Answer> post(String path, String body) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
            .putHeader("Authorization", "Bearer " + apiToken).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"),
            b.toString())));
  }

  static String login() throws Exception {
    return BenchHttp.signIn(setupHttp, base, "log-bench@example.com", PASSWORD);
  }

  static String send(String method, String path, String token, String body, int expected) throws Exception {
    HttpResponse<String> r = setupHttp.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(method + " " + path + " " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  static HttpRequest request(String method, String path, String token, String body) {
    return BenchHttp.request(method, base + path, token, body).build();
  }

  static String field(String json, String name) {
    return new JsonObject(json).getString(name);
  }

  static <T> T await(Future<T> f, int seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  static long now() {
    return System.nanoTime() - EPOCH;
  }

  static double pct(long[] sortedMicros, int p) {
    return Percentiles.millis(sortedMicros, p);
  }

  static String abbreviate(String s) {
    return s == null ? "" : s.length() > 120 ? s.substring(0, 120) : s;
  }
}
