import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * What an operator would see of the bench's queue while W1 and its drain load the server: the
 * Prometheus counters and gauges at {@code /metrics}, the time series the samplers store
 * ({@code /api/metrics/query}, read as an admin) and the latest health snapshot
 * ({@code /api/queues}). Every BENCH_WATCH_SECONDS it makes five small requests, on its own thread
 * with its own HTTP client and short timeouts; a failed read is reported once and skipped. The
 * rows are kept and printed as one table when the watch ends, so that they do not break into the
 * phases' own output. BENCH_WATCH=0 turns it off.
 */
final class QueueBenchWatcher {
  /** The queue the bench's tasks run in: they name none, and the drain's are moved to it. */
  static final String QUEUE = "default";
  static final String EMAIL = "queue-bench-watch@example.com";
  static final int PERIOD_SECONDS = BenchEnv.integer("BENCH_WATCH_SECONDS", 5);
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  final HttpClient client;
  final ScheduledExecutorService timer;
  final Instant from;
  final long startNanos = System.nanoTime();
  final List<Reading> readings = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Integer> failures = new ConcurrentHashMap<>();
  final List<String> notes = Collections.synchronizedList(new ArrayList<>());
  final boolean enabled;
  final String token;
  /** The phase watched first (W1, or the drain when W1 does not run): the queue must be seen working in it. */
  final String first;
  volatile String phase;

  /** One read; NaN or null where that part of the read failed. */
  record Reading(double elapsed, String phase, Prom prom, double seriesCompleted, double seriesCompletedLast,
      double seriesWaiting, double p95Wait, Health health) {}

  /**
   * What /metrics says: the job counters summed over all their label sets (queues, outcomes), the
   * depth gauges and the wait summary of the bench's queue.
   */
  record Prom(double claimed, double completed, double failed, double waiting, double running, double waitCount,
      double waitSum) {
    static Prom parse(String text) {
      double[] v = new double[7];
      for (String line : text.split("\n")) {
        if (line.isEmpty() || line.charAt(0) == '#') {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        int nameEnd = brace >= 0 && brace < space ? brace : space;
        if (nameEnd < 0) {
          continue;
        }
        String name = line.substring(0, nameEnd);
        String labels = brace == nameEnd ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
        boolean bench = labels.contains("queue=\"" + QUEUE + "\"");
        int at = switch (name) {
          case "taskforge_jobs_claimed_total" -> 0;
          case "taskforge_jobs_completed_total" -> 1;
          case "taskforge_jobs_failed_total" -> 2;
          case "taskforge_queue_jobs" -> !bench ? -1 : labels.contains("state=\"waiting\"") ? 3
              : labels.contains("state=\"running\"") ? 4 : -1;
          case "taskforge_job_wait_seconds_count" -> bench ? 5 : -1;
          case "taskforge_job_wait_seconds_sum" -> bench ? 6 : -1;
          default -> -1;
        };
        if (at >= 0) {
          String value = line.substring(nameEnd + labels.length()).trim().split(" ")[0];
          try {
            v[at] += Double.parseDouble(value);
          } catch (NumberFormatException e) {
            // +Inf and the like: not a count
          }
        }
      }
      return new Prom(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }
  }

  /** The bench queue's latest snapshot at /api/queues; status null when it has none yet. */
  record Health(String status, double waiting, double active, double throughputPerMinute) {}

  private QueueBenchWatcher(boolean enabled, String token, String first) {
    this.enabled = enabled;
    this.token = token;
    this.first = first;
    this.phase = first;
    this.from = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    ThreadFactory daemons = r -> {
      Thread t = new Thread(r, "queue-watch");
      t.setDaemon(true);
      return t;
    };
    this.client = !enabled ? null : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(TIMEOUT).executor(Executors.newSingleThreadExecutor(daemons)).build();
    this.timer = !enabled ? null : Executors.newSingleThreadScheduledExecutor(daemons);
  }

  /**
   * Starts watching (the first read at once, before the first task of phase {@code first}), or a
   * watcher that does nothing when {@code first} is null or BENCH_WATCH=0.
   */
  static QueueBenchWatcher start(Connection db, String first) {
    if (first == null || "0".equals(System.getenv("BENCH_WATCH")) || PERIOD_SECONDS <= 0) {
      return new QueueBenchWatcher(false, null, first);
    }
    String token = null;
    String problem = null;
    try {
      token = admin(db);
    } catch (Exception e) {
      problem = "watch: no admin session, so /metrics only: " + e.getMessage();
    }
    QueueBenchWatcher w = new QueueBenchWatcher(true, token, first);
    if (problem != null) {
      w.notes.add(problem);
    }
    w.timer.scheduleAtFixedRate(w::read, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    return w;
  }

  /** An account made admin in the database, since the time series of every queue are an admin's to read. */
  static String admin(Connection db) throws Exception {
    BenchHttp.register(QueueBench.http, QueueBench.base, EMAIL, QueueBench.PASSWORD);
    try (PreparedStatement ps = db.prepareStatement("UPDATE users SET role = 'ADMIN' WHERE email = ?")) {
      ps.setString(1, EMAIL);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("no user " + EMAIL);
      }
    }
    // Logged in after the promotion, in case a session ever carries the role it was opened with.
    return BenchHttp.logIn(QueueBench.http, QueueBench.base, EMAIL, QueueBench.PASSWORD);
  }

  void phase(String name) {
    phase = name;
  }

  /** One last read, then the table; waits at most a few timeouts for a read in progress. */
  void stop() throws InterruptedException {
    if (!enabled) {
      return;
    }
    timer.submit(this::read);
    timer.shutdown();
    if (!timer.awaitTermination(6 * TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      timer.shutdownNow();
      notes.add("watch: the last read did not finish in time and was left");
    }
    print();
  }

  private void read() {
    try {
      String phaseNow = phase;
      double elapsed = QueueBench.secondsSince(startNanos);
      String metrics = get("/metrics", "/metrics", false);
      Prom prom = metrics == null ? null : Prom.parse(metrics);
      double completed = Double.NaN;
      double completedLast = Double.NaN;
      double waiting = Double.NaN;
      double p95 = Double.NaN;
      Health health = null;
      if (token != null) {
        String range = "&from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8) + "&to="
            + URLEncoder.encode(Instant.now().plusMillis(1).toString(), StandardCharsets.UTF_8);
        JsonArray points = points(get("/api/metrics/query queue.jobs_completed",
            "/api/metrics/query?name=queue.jobs_completed&agg=sum&step=10s&groupBy=queue" + range, true), QUEUE);
        if (points != null) {
          completed = 0;
          for (int i = 0; i < points.size(); i++) {
            completed += value(points.getJsonArray(i));
          }
          completedLast = last(points);
        }
        waiting = last(points(get("/api/metrics/query queue.waiting",
            "/api/metrics/query?name=queue.waiting&agg=max&step=10s&groupBy=queue" + range, true), QUEUE));
        // A one-minute step reads the minute rollup, whose buckets count only when they start at or
        // after "from": from the minute the watch began, so that a watch shorter than a minute shows one.
        String minutes = "&from=" + URLEncoder.encode(from.truncatedTo(ChronoUnit.MINUTES)
            .toString(), StandardCharsets.UTF_8) + range.substring(range.indexOf("&to="));
        p95 = last(points(get("/api/metrics/query queue.wait_time",
            "/api/metrics/query?name=queue.wait_time&agg=p95&step=1m" + minutes, true), null));
        health = health(get("/api/queues", "/api/queues", true));
      }
      readings.add(new Reading(elapsed, phaseNow, prom, completed, completedLast, waiting, p95, health));
    } catch (Exception e) {
      failed("read", e.toString());
    }
  }

  /** The body of a 200, else null, with the first failure of each kind noted. */
  private String get(String what, String path, boolean auth) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(QueueBench.base + path)).timeout(TIMEOUT).GET();
      if (auth) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return r.body();
      }
      failed(what, "GET " + path + " -> " + r.statusCode() + ": " + r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failed(what, "GET " + path + " -> " + e);
    }
    return null;
  }

  private void failed(String what, String detail) {
    if (failures.merge(what, 1, Integer::sum) == 1) {
      notes.add(String.format("watch at %.1f s: %s", QueueBench.secondsSince(startNanos),
          detail.length() > 500 ? detail.substring(0, 500) + "..." : detail));
    }
  }

  /** The points of the series labelled queue=QUEUE, or of the first series when {@code queue} is null. */
  private JsonArray points(String body, String queue) {
    if (body == null) {
      return null;
    }
    try {
      JsonArray series = new JsonObject(body).getJsonArray("series");
      for (int i = 0; i < series.size(); i++) {
        JsonObject s = series.getJsonObject(i);
        if (queue == null || queue.equals(s.getJsonObject("labels", new JsonObject()).getString("queue"))) {
          return s.getJsonArray("points");
        }
      }
      return new JsonArray();
    } catch (RuntimeException e) {
      failed("parse query", "unexpected answer: " + body);
      return null;
    }
  }

  private Health health(String body) {
    if (body == null) {
      return null;
    }
    try {
      JsonArray items = new JsonObject(body).getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        JsonObject q = items.getJsonObject(i);
        if (QUEUE.equals(q.getString("name"))) {
          JsonObject h = q.getJsonObject("health");
          return h == null ? new Health(null, Double.NaN, Double.NaN, Double.NaN)
              : new Health(h.getString("status"), number(h.getValue("waiting")), number(h.getValue("active")),
                  number(h.getValue("throughputPerMinute")));
        }
      }
      return new Health(null, Double.NaN, Double.NaN, Double.NaN);
    } catch (RuntimeException e) {
      failed("parse queues", "unexpected answer: " + body);
      return null;
    }
  }

  private static double last(JsonArray points) {
    return points == null || points.isEmpty() ? Double.NaN : value(points.getJsonArray(points.size() - 1));
  }

  private static double value(JsonArray point) {
    return number(point.getValue(1));
  }

  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private void print() {
    List<Reading> rows = new ArrayList<>(readings);
    System.out.printf("%nqueue \"%s\" as the server reports it, every %d s through %s (server samples every %s s):%n",
        QUEUE, PERIOD_SECONDS, first.equals("W1") && QueueBench.runs("drain") ? "W1 and the drain" : first,
        System.getenv().getOrDefault("BENCH_METRICS_SAMPLE_SECONDS", "?"));
    System.out.printf("  %6s %-5s | %-49s | %-33s | %s%n", "", "", "/metrics (wait ms: mean since the previous read)",
        "/api/metrics/query",
        "/api/queues health");
    System.out.printf("  %6s %-5s | %8s %9s %6s %7s %7s %7s | %9s %6s %7s %8s | %-8s %7s %6s %8s%n", "t s", "phase",
        "claimed", "completed", "failed", "waiting", "running", "wait ms", "completed", "last", "waiting", "p95 wait",
        "status", "waiting", "active", "jobs/min");
    Prom previous = null;
    for (Reading r : rows) {
      Prom p = r.prom();
      String meanWait = "-";
      if (p != null && previous != null && p.waitCount() > previous.waitCount()) {
        meanWait = String.format("%.1f", (p.waitSum() - previous.waitSum()) / (p.waitCount() - previous.waitCount())
            * 1000);
      }
      Health h = r.health();
      System.out.printf("  %6.1f %-5s | %8s %9s %6s %7s %7s %7s | %9s %6s %7s %8s | %-8s %7s %6s %8s%n", r.elapsed(),
          r.phase(), p == null ? "-" : n(p.claimed()), p == null ? "-" : n(p.completed()),
          p == null ? "-" : n(p.failed()), p == null ? "-" : n(p.waiting()), p == null ? "-" : n(p.running()),
          meanWait, n(r.seriesCompleted()), n(r.seriesCompletedLast()), n(r.seriesWaiting()),
          Double.isNaN(r.p95Wait()) ? "-" : String.format("%.3f s", r.p95Wait()),
          h == null ? "-" : h.status() == null ? "none" : h.status(), h == null ? "-" : n(h.waiting()),
          h == null ? "-" : n(h.active()), h == null ? "-" : n(h.throughputPerMinute()));
      if (p != null) {
        previous = p;
      }
    }
    notes.forEach(n -> System.out.println("  " + n));
    failures.forEach((what, count) -> {
      if (count > 1) {
        System.out.printf("  %s failed %d times in all%n", what, count);
      }
    });
    summarize(rows);
  }

  /**
   * The "done when": both /metrics and the time series count completed jobs, and the
   * counts grow while W1 runs — between a read taken during W1 and the read after it (during the
   * drain when only the drain runs).
   */
  private void summarize(List<Reading> rows) {
    List<Reading> withProm = rows.stream().filter(r -> r.prom() != null).toList();
    double promCompleted = withProm.size() < 2 ? Double.NaN
        : withProm.get(withProm.size() - 1).prom().completed() - withProm.get(0).prom().completed();
    List<Reading> withSeries = rows.stream().filter(r -> !Double.isNaN(r.seriesCompleted())).toList();
    double seriesCompleted = withSeries.isEmpty() ? Double.NaN
        : withSeries.get(withSeries.size() - 1).seriesCompleted();
    String status = rows.stream().map(Reading::health).filter(h -> h != null && h.status() != null)
        .map(Health::status).reduce((a, b) -> b).orElse("none");
    boolean promGrew = grewDuringFirst(rows, r -> r.prom() == null ? Double.NaN : r.prom().completed());
    boolean seriesGrew = grewDuringFirst(rows, Reading::seriesCompleted);
    System.out.printf("observability: /metrics counted %s completed; /api/metrics/query counted %s completed over "
        + "the watch; /api/queues status %s%n", n(promCompleted), n(seriesCompleted), status);
    System.out.printf("  queue seen working (completed > 0 and growing during %s): /metrics %s, /api/metrics/query "
        + "%s -> %s%n", first, promGrew ? "yes" : "no", seriesGrew ? "yes" : "no",
        promGrew && seriesGrew ? "met" : "MISSED");
    if (seriesCompleted != promCompleted) {
      // Each sample counts the jobs finished up to two seconds before it, so the series trail the
      // counters by up to a sample interval and more; the first sample may count jobs finished
      // just before the watch.
      System.out.println("  (the series trail /metrics by up to a sample interval plus 2 s, and their first sample "
          + "may hold jobs finished just before the watch)");
    }
  }

  private boolean grewDuringFirst(List<Reading> rows, ToDoubleFunction<Reading> completed) {
    for (int i = 0; i + 1 < rows.size(); i++) {
      double before = completed.applyAsDouble(rows.get(i));
      double after = completed.applyAsDouble(rows.get(i + 1));
      if (rows.get(i).phase().equals(first) && after > 0 && after > before) {
        return true;
      }
    }
    return false;
  }

  private static String n(double v) {
    return Double.isNaN(v) ? "-" : String.format("%,.0f", v);
  }
}
