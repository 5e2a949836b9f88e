import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load generator of bench/bulk-bench.sh: BENCH_CLIENTS clients each post batches of
 * BENCH_BATCH tasks to POST /api/tasks/bulk, one after another, for BENCH_SECONDS; prints the
 * tasks queued per second and the batch latencies, then checks the database holds a job for each.
 * The tasks go to a queue no dispatcher serves, so only queueing is measured.
 */
public class BulkBench {
  static final int CLIENTS = BenchEnv.integer("BENCH_CLIENTS", 4);
  static final int BATCH = BenchEnv.integer("BENCH_BATCH", 1000);
  static final int SECONDS = BenchEnv.integer("BENCH_SECONDS", 30);
  static final int PROMPT_BYTES = BenchEnv.integer("BENCH_PROMPT_BYTES", 600);
  static final String QUEUE = "bench-bulk";
  static final String PROMPT = ("The test suite fails about once in twenty runs. Find the cause of the flakiness in the "
      + "websocket reconnect handling, write a test that reproduces it deterministically, fix the race and make sure "
      + "the whole suite passes ten times in a row. Keep the public API unchanged, explain the root cause in the "
      + "commit message, and do not disable or skip any existing test. If the fix needs a change in a shared "
      + "helper, update every caller and run their tests as well. ").repeat(1 + PROMPT_BYTES / 400)
      .substring(0, PROMPT_BYTES);

  static Path dataDir;
  static long serverPid;

  /** args: the server's base URL, its data directory, its pid (for the CPU split; -1 or absent: none). */
  public static void main(String[] args) throws Exception {
    String base = args[0];
    dataDir = Path.of(args[1]);
    serverPid = args.length > 2 ? Long.parseLong(args[2]) : -1;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newFixedThreadPool(CLIENTS)).connectTimeout(Duration.ofSeconds(10)).build();
    String token = BenchHttp.signIn(http, base, "bulk-bench@example.com", "a long bench password");
    String[] batches = new String[8];
    for (int b = 0; b < batches.length; b++) {
      batches[b] = batch(b);
    }
    System.out.printf("batches of %,d tasks with prompts of %,d bytes, about %,d KB each; %d clients for %d s%n",
        BATCH, PROMPT_BYTES, batches[0].length() / 1024, CLIENTS, SECONDS);
    run(http, base, token, batches, 5, false);
    run(http, base, token, batches, SECONDS, true);
    try (Connection c = BenchDatabase.connect(dataDir);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM queue_jobs "
             + "WHERE queue_name = '" + QUEUE + "' AND status = 'AVAILABLE')")) {
      rs.next();
      System.out.printf("database: %,d tasks, %,d AVAILABLE jobs on %s (warm-up included)%n", rs.getLong(1),
          rs.getLong(2), QUEUE);
    }
    System.exit(0);
  }

  /** Every client posts batches back to back; latencies in ms. */
  static void run(HttpClient http, String base, String token, String[] batches, int seconds, boolean report)
      throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicInteger failures = new AtomicInteger();
    List<Future<List<Double>>> results = new ArrayList<>();
    ServerCpu before = ServerCpu.sample(serverPid, dataDir);
    long t0 = System.nanoTime();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      results.add(clients.submit(() -> {
        List<Double> latencies = new ArrayList<>();
        for (int n = client; System.nanoTime() < end; n++) {
          long start = System.nanoTime();
          HttpResponse<String> r = http.send(post(base + "/api/tasks/bulk", token, batches[n % batches.length]),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 201) {
            failures.incrementAndGet();
            System.out.println("batch failed: " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
          } else {
            latencies.add((System.nanoTime() - start) / 1e6);
          }
        }
        return latencies;
      }));
    }
    List<Double> all = new ArrayList<>();
    for (Future<List<Double>> f : results) {
      all.addAll(f.get());
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    ServerCpu cpu = ServerCpu.sample(serverPid, dataDir).minus(before);
    clients.shutdown();
    if (!report) {
      return;
    }
    double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf("%,d batches (%,d tasks) in %.1f s: %,.0f tasks/s queued; %d failed%n", sorted.length,
        (long) sorted.length * BATCH, elapsed, sorted.length * BATCH / elapsed, failures.get());
    System.out.printf("batch latency: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n", Percentiles.of(sorted, 50),
        Percentiles.of(sorted, 95), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    System.out.println("cpu " + cpu.coresBusy());
  }

  /** A batch of tasks as a client would write them: a title, a prompt of BENCH_PROMPT_BYTES, tags, a queue. */
  static String batch(int seed) {
    StringBuilder body = new StringBuilder("{\"tasks\":[");
    String[] priorities = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};
    for (int i = 0; i < BATCH; i++) {
      int n = seed * BATCH + i;
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"title\":\"Fix flaky test ").append(n).append(" in module ").append(n % 97)
          .append("\",\"prompt\":\"Module ").append(n % 97).append(": ").append(PROMPT).append(" Task ")
          .append(n).append(".\",\"priority\":\"").append(priorities[n % 4])
          .append("\",\"tags\":[\"bench\",\"module-").append(n % 97)
          .append("\"],\"config\":{\"queue\":\"").append(QUEUE).append("\",\"maxAttempts\":3}}");
    }
    return body.append("]}").toString();
  }

  static HttpRequest post(String url, String token, String body) {
    return BenchHttp.request("POST", url, token, body).build();
  }
}
