import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak (issue 17): for SOAK_SECONDS, SOAK_USERS users read the API (list, get, executions,
 * history: each user paced at SOAK_READS_PER_SECOND), shell tasks are created at
 * SOAK_TASKS_PER_SECOND (each writing 10 lines over about a second), and up to SOAK_TAILS live tails
 * (WebSocket and SSE, alternately) follow their executions from the first line to the end, checking
 * seqs 1..n. Every SOAK_SAMPLE_SECONDS it samples the server: heap after a full GC (jcmd GC.run,
 * then GC.heap_info), resident memory, open file descriptors, the embedded PostgreSQL's client
 * backends, and the tasks not yet done; once before the load and once after it, idle. At the end it
 * prints the series and whether heap and open file descriptors stayed flat (the mean of the last
 * third of the samples under load against the first third's).
 * args (bench/soak.sh passes them): BASE_URL DATA_DIR SERVER_PID
 */
public class SoakBench {
  static final int SECONDS = BenchEnv.integer("SOAK_SECONDS", 600);
  static final int USERS = BenchEnv.integer("SOAK_USERS", 3);
  static final int READS_PER_SECOND = BenchEnv.integer("SOAK_READS_PER_SECOND", 10);
  static final int TASKS_PER_SECOND = BenchEnv.integer("SOAK_TASKS_PER_SECOND", 4);
  static final int TAILS = BenchEnv.integer("SOAK_TAILS", 4);
  static final int SAMPLE_SECONDS = BenchEnv.integer("SOAK_SAMPLE_SECONDS", 30);
  static final double HEAP_TOLERANCE = 0.20; // last third's mean within 20% (+ 8 MB) of the first third's
  static final double FD_TOLERANCE = 0.10; // and within 10% (+ 5)
  static final String PROMPT = "for i in 1 2 3 4 5 6 7 8 9; do echo line $i; sleep 0.1; done; echo done";

  static String base;
  static long pid;
  static Connection db;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  static final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
  static final AtomicLong tailsDone = new AtomicLong();
  static final AtomicLong tailLines = new AtomicLong();
  static final AtomicLong tailGaps = new AtomicLong();
  static final AtomicLong tailsUnfinished = new AtomicLong();
  static final List<String> created = new ArrayList<>();
  static volatile boolean running = true;

  record User(String token, ConcurrentLinkedDeque<String> recent) {}

  record Sample(long second, long heapKb, long rssKb, long fds, long backends, long pending) {}

  public static void main(String[] args) {
    BenchMain.exitAfter(() -> run(args));
  }

  static void run(String[] args) throws Exception {
    base = args[0];
    Path dataDir = Path.of(args[1]);
    pid = Long.parseLong(args[2]);
    db = BenchDatabase.connect(dataDir);
    List<User> users = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      users.add(new User(login("soak" + i + "@example.com"), new ConcurrentLinkedDeque<>()));
    }
    System.out.printf("soak: %d s, %d users reading %d requests/s each, %d shell tasks/s, up to %d live tails, "
        + "a sample every %d s%n", SECONDS, USERS, READS_PER_SECOND, TASKS_PER_SECOND, TAILS, SAMPLE_SECONDS);

    List<Sample> samples = new ArrayList<>();
    Sample before = sample(0, "idle, before the load");
    ExecutorService threads = Executors.newCachedThreadPool();
    ConcurrentLinkedDeque<String[]> toTail = new ConcurrentLinkedDeque<>();
    for (User u : users) {
      threads.submit(() -> readLoop(u));
    }
    threads.submit(() -> taskLoop(users, toTail));
    for (int i = 0; i < TAILS; i++) {
      int n = i;
      threads.submit(() -> tailLoop(toTail, n % 2 == 0));
    }

    long start = System.nanoTime();
    for (long next = SAMPLE_SECONDS; next <= SECONDS; next += SAMPLE_SECONDS) {
      long wait = start + next * 1_000_000_000L - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000);
      }
      samples.add(sample(next, "under load"));
    }
    running = false;
    threads.shutdown();
    threads.awaitTermination(60, TimeUnit.SECONDS);
    long left = waitForTasks(Duration.ofSeconds(60));
    Thread.sleep(2_000); // the last tails' sockets closed on the server's side too
    Sample after = sample((System.nanoTime() - start) / 1_000_000_000, "idle, after the load");
    report(before, samples, after, left);
  }

  /** A user's reads: their task listing, one of their recent tasks, its executions and history. */
  static void readLoop(User u) {
    long gapNanos = 1_000_000_000L / READS_PER_SECOND;
    long next = System.nanoTime();
    int i = 0;
    while (running) {
      String id = u.recent().peekFirst();
      String path = switch (i++ % 4) {
        case 0 -> "/api/tasks?limit=50";
        case 1 -> id == null ? "/api/tasks?status=COMPLETED&limit=20" : "/api/tasks/" + id;
        case 2 -> id == null ? "/api/projects" : "/api/tasks/" + id + "/executions";
        default -> id == null ? "/api/tasks?limit=5" : "/api/tasks/" + id + "/history";
      };
      call("GET", path, u.token(), null);
      next += gapNanos;
      pause(next);
    }
  }

  /** Shell tasks, round-robin over the users; every other one is handed to the tails. */
  static void taskLoop(List<User> users, ConcurrentLinkedDeque<String[]> toTail) {
    long gapNanos = 1_000_000_000L / TASKS_PER_SECOND;
    long next = System.nanoTime();
    int i = 0;
    while (running) {
      User u = users.get(i % users.size());
      String body = new JsonObject().put("title", "soak " + i).put("prompt", PROMPT)
          .put("config", new JsonObject().put("executor", "shell")).encode();
      HttpResponse<String> r = call("POST", "/api/tasks", u.token(), body);
      if (r != null && r.statusCode() == 201) {
        String id = new JsonObject(r.body()).getString("id");
        synchronized (created) {
          created.add(id);
        }
        u.recent().addFirst(id);
        while (u.recent().size() > 50) {
          u.recent().pollLast();
        }
        if (i % 2 == 0 && toTail.size() < 100) {
          toTail.add(new String[] {u.token(), id});
        }
      }
      i++;
      next += gapNanos;
      pause(next);
    }
  }

  /** Takes a task, waits for its execution, follows its log to the end (WebSocket or SSE) and checks it. */
  static void tailLoop(ConcurrentLinkedDeque<String[]> toTail, boolean webSocket) {
    while (running) {
      String[] t = toTail.pollFirst();
      if (t == null) {
        sleep(100);
        continue;
      }
      try {
        String execution = awaitExecution(t[0], t[1]);
        if (execution == null) {
          tailsUnfinished.incrementAndGet();
          continue;
        }
        List<Long> seqs = webSocket ? webSocketTail(t[0], execution) : sseTail(t[0], execution);
        if (seqs == null) {
          tailsUnfinished.incrementAndGet();
          continue;
        }
        for (int k = 0; k < seqs.size(); k++) {
          if (seqs.get(k) != k + 1) {
            tailGaps.incrementAndGet();
            break;
          }
        }
        tailLines.addAndGet(seqs.size());
        tailsDone.incrementAndGet();
      } catch (Exception e) {
        tailsUnfinished.incrementAndGet();
      }
    }
  }

  static String awaitExecution(String token, String task) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = call("GET", "/api/tasks/" + task + "/executions", token, null);
      if (r != null && r.statusCode() == 200) {
        JsonArray items = new JsonObject(r.body()).getJsonArray("items");
        if (!items.isEmpty()) {
          return items.getJsonObject(0).getString("id");
        }
      }
      sleep(100);
    }
    return null;
  }

  /** The seqs an SSE tail received from the first line to its end event; null when it did not end. */
  static List<Long> sseTail(String token, String execution) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/executions/" + execution + "/logs/stream?after=0"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET().build();
    HttpResponse<java.util.stream.Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
    count("SSE " + r.statusCode());
    List<Long> seqs = new ArrayList<>();
    boolean[] ended = {false};
    try (var lines = r.body()) {
      lines.forEach(line -> {
        if (line.startsWith("id: ")) {
          seqs.add(Long.parseLong(line.substring(4).trim()));
        } else if (line.equals("event: end")) {
          ended[0] = true;
        }
      });
    }
    return ended[0] ? seqs : null;
  }

  /** The seqs a WebSocket tail received from the first line to its end message; null when it did not end. */
  static List<Long> webSocketTail(String token, String execution) throws Exception {
    List<Long> seqs = new ArrayList<>();
    CompletableFuture<Boolean> ended = new CompletableFuture<>();
    StringBuilder partial = new StringBuilder();
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          JsonObject message = new JsonObject(partial.toString());
          partial.setLength(0);
          if ("lines".equals(message.getString("type"))) {
            message.getJsonArray("lines").forEach(l -> seqs.add(((JsonObject) l).getLong("seq")));
          } else if ("end".equals(message.getString("type"))) {
            ended.complete(true);
          }
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        ended.complete(false);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        ended.complete(false);
      }
    };
    WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/ws/executions/" + execution + "/logs?after=0"), listener)
        .get(10, TimeUnit.SECONDS);
    count("WebSocket 101");
    boolean end = ended.get(60, TimeUnit.SECONDS);
    ws.abort();
    return end ? seqs : null;
  }

  /** Full GC, then the heap in use, RSS, open fds, client backends, tasks not yet done. */
  static Sample sample(long second, String when) throws Exception {
    jcmd("GC.run");
    Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
    long heap = used.find() ? Long.parseLong(used.group(1)) : -1;
    Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    long rssKb = rss.find() ? Long.parseLong(rss.group(1)) : -1;
    long fds;
    try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      fds = list.count();
    }
    Sample s = new Sample(second, heap, rssKb, fds,
        query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"),
        query("SELECT count(*) FROM tasks WHERE status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')"));
    System.out.printf("  t=%4d s  heap after GC %7.1f MB  RSS %7.1f MB  fds %4d  backends %3d  tasks not done %4d  "
            + "(created %d, tails ended %d; %s)%n", s.second(), s.heapKb() / 1024.0, s.rssKb() / 1024.0, s.fds(), s.backends(),
        s.pending(), createdCount(), tailsDone.get(), when);
    return s;
  }

  static void report(Sample before, List<Sample> samples, Sample after, long left) throws Exception {
    System.out.println();
    System.out.println("series under load (s: heap MB after full GC / open fds / backends):");
    StringBuilder series = new StringBuilder();
    for (Sample s : samples) {
      series.append(String.format("  %d: %.1f/%d/%d", s.second(), s.heapKb() / 1024.0, s.fds(), s.backends()));
    }
    System.out.println(series.toString().trim());
    int third = Math.max(1, samples.size() / 3);
    List<Sample> first = samples.subList(0, third);
    List<Sample> last = samples.subList(samples.size() - third, samples.size());
    double heapFirst = first.stream().mapToLong(Sample::heapKb).average().orElse(0) / 1024;
    double heapLast = last.stream().mapToLong(Sample::heapKb).average().orElse(0) / 1024;
    boolean heapFlat = heapLast <= heapFirst * (1 + HEAP_TOLERANCE) + 8;
    System.out.printf("heap after GC: first third %.1f MB, last third %.1f MB (means), idle %.1f MB before and %.1f MB "
            + "after: %s (last third within +%.0f%% + 8 MB of the first)%n", heapFirst, heapLast, before.heapKb() / 1024.0,
        after.heapKb() / 1024.0, heapFlat ? "flat" : "GROWING", HEAP_TOLERANCE * 100);
    // Open fds rise and fall with the executions, tails and pool connections in flight, hence the margin.
    double fdFirst = first.stream().mapToLong(Sample::fds).average().orElse(0);
    double fdLast = last.stream().mapToLong(Sample::fds).average().orElse(0);
    boolean fdsFlat = fdLast <= fdFirst * (1 + FD_TOLERANCE) + 5;
    System.out.printf("open fds:      first third %.1f, last third %.1f (means), idle %d before and %d after (with %d and %d "
            + "database connections): %s (last third within +%.0f%% + 5 of the first)%n", fdFirst, fdLast, before.fds(),
        after.fds(), before.backends(), after.backends(), fdsFlat ? "flat" : "GROWING", FD_TOLERANCE * 100);
    System.out.printf("RSS:           %.1f MB idle before, %.1f MB at the end of the load, %.1f MB idle after%n",
        before.rssKb() / 1024.0, samples.get(samples.size() - 1).rssKb() / 1024.0, after.rssKb() / 1024.0);
    System.out.printf("backends:      %d idle before, %d to %d under load, %d idle after%n", before.backends(), samples.stream().mapToLong(Sample::backends).min().orElse(0),
        samples.stream().mapToLong(Sample::backends).max().orElse(0), after.backends());
    System.out.printf("tasks: %d created, %d COMPLETED, %d not done 60 s after the load stopped, %d ended otherwise%n",
        createdCount(), query("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'"), left,
        query("SELECT count(*) FROM tasks WHERE status IN ('FAILED', 'CANCELLED')"));
    System.out.printf("tails: %d followed to their end (%d lines, %d with a gap or repeat), %d did not end%n",
        tailsDone.get(), tailLines.get(), tailGaps.get(), tailsUnfinished.get());
    System.out.println("answers: " + new TreeMap<>(answers));
  }

  static long waitForTasks(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    String sql = "SELECT count(*) FROM tasks WHERE status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')";
    while (query(sql) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    return query(sql);
  }

  static HttpResponse<String> call(String method, String path, String token, String body) {
    HttpRequest.Builder b = BenchHttp.request(method, base + path, token, body).timeout(Duration.ofSeconds(30));
    String operation = method + " " + path.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}").replaceAll("\\?.*", "");
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      count(operation + " " + r.statusCode());
      return r;
    } catch (Exception e) {
      count(operation + " " + e.getClass().getSimpleName());
      return null;
    }
  }

  static String login(String email) throws Exception {
    String credentials = new JsonObject().put("email", email).put("password", "a long soak password").encode();
    call("POST", "/api/auth/register", null, credentials);
    HttpResponse<String> r = call("POST", "/api/auth/login", null, credentials);
    if (r == null || r.statusCode() != 200) {
      throw new IllegalStateException("login of " + email + ": " + (r == null ? "no answer" : r.body()));
    }
    return new JsonObject(r.body()).getString("token");
  }

  static String jcmd(String command) throws Exception {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  static synchronized long query(String sql) throws Exception {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void count(String what) {
    answers.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  static int createdCount() {
    synchronized (created) {
      return created.size();
    }
  }

  static void pause(long untilNanos) {
    long wait = untilNanos - System.nanoTime();
    if (wait > 0) {
      sleep(wait / 1_000_000);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
