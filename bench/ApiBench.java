import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Load generator of bench/api-bench.sh: seeds the server's database directly (fast, in SQL), then
 * measures the HTTP API under a mixed load from concurrent keep-alive clients.
 */
public class ApiBench {
  static final int USERS = Integer.getInteger("users", BenchEnv.integer("BENCH_USERS", 10000));
  static final int TASKS = BenchEnv.integer("BENCH_TASKS", 1000000);
  static final int CONNECTIONS = BenchEnv.integer("BENCH_CONNECTIONS", 100);
  static final int SECONDS = BenchEnv.integer("BENCH_SECONDS", 60);
  /**
   * The same mix run first, unmeasured, for this long: the measured minute is the server's steady
   * state, not its JIT compiling the hot path (on 2 busy cores that takes a minute or more after a
   * start; the warm-up's own figures are printed too).
   */
  static final int WARMUP_SECONDS = BenchEnv.integer("BENCH_WARMUP_SECONDS", 60);
  /**
   * BENCH_CLIENT=jdk drives the mixed load through java.net.http instead of one plain keep-alive
   * socket per client thread ({@link KeepAliveClient}): the same requests at several times the
   * load generator's CPU, taken from the server on this shared machine.
   */
  static final boolean JDK_CLIENT = "jdk".equals(System.getenv("BENCH_CLIENT"));
  static final int HEAVY_USERS = 10;
  /** One more user owns this many tasks, for the listing of a user with 100,000 (BENCH_HUGE_TASKS). */
  static final int HUGE_TASKS = BenchEnv.integer("BENCH_HUGE_TASKS", 100000);
  static final int HUGE_SECONDS = BenchEnv.integer("BENCH_HUGE_SECONDS", 20);
  static final String HUGE_USER = "bench-huge@example.com";
  /**
   * The fields each listed task carries: by default those the console's task list asks for
   * ({@code fields=}); BENCH_LIST_FIELDS=all lists every field of every task, as before 2026-12-02.
   */
  static final String LIST_FIELDS = System.getenv().getOrDefault("BENCH_LIST_FIELDS",
      "title,status,priority,tags,projectId,createdAt,updatedAt,version");
  static final int SESSIONS = 1000;

  static Path dataDir;
  static long serverPid;

  record Client(String token, List<String> taskIds) {}

  /** args: the server's base URL, its data directory, its pid (for the CPU split; -1 or absent: none). */
  public static void main(String[] args) throws Exception {
    String base = args[0];
    dataDir = Path.of(args[1]);
    serverPid = args.length > 2 ? Long.parseLong(args[2]) : -1;
    List<Client> clients;
    try (Connection c = BenchDatabase.connect(dataDir)) {
      long t0 = System.nanoTime();
      seed(c);
      System.out.printf("seeded %,d users and %,d tasks in %.1f s%n", USERS, count(c, "tasks"), secondsSince(t0));
      settle(c);
      clients = sessions(c);
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(10)).build();
    warmUp(http, base, clients);
    if (WARMUP_SECONDS > 0) {
      run(http, base, clients, WARMUP_SECONDS, "warm-up, not counted below");
    }
    run(http, base, clients, SECONDS, "mixed load");
    searchAndTree(http, base, clients.get(0));
    consoleFirstPage(http, base, clients.get(0));
    String huge;
    try (Connection c = BenchDatabase.connect(dataDir)) {
      huge = sessionOf(c, HUGE_USER, "tfs_bench_huge");
      printPagesMarked(c, HUGE_USER);
    }
    hugeUserListings(base, huge);
    System.exit(0);
  }

  /** 10 heavy users own 10,000 tasks each (as far as TASKS allows); the rest share what is left. */
  static void seed(Connection c) throws Exception {
    // At most half of all tasks go to the heavy users, 10,000 each at most.
    int heavyEach = Math.min(10_000, TASKS / (2 * HEAVY_USERS));
    int heavyTotal = heavyEach * HEAVY_USERS;
    int light = USERS - HEAVY_USERS;
    int lightEach = Math.max(0, (TASKS - heavyTotal) / Math.max(1, light));
    try (Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = off");
      s.execute("INSERT INTO users (email, password_hash) SELECT 'bench' || g || '@example.com', 'x' "
          + "FROM generate_series(1, " + USERS + ") g");
      String insert = """
          INSERT INTO tasks (owner_id, title, prompt, description, status, priority, tags, created_at)
          SELECT u.id,
                 'Task ' || g || ' of ' || u.email,
                 'Refactor module ' || (g %% 97) || ' and fix flaky test ' || (g %% 13),
                 CASE WHEN g %% 5 = 0 THEN 'websocket reconnect handling in service ' || (g %% 31) END,
                 (ARRAY['PENDING','QUEUED','RUNNING','COMPLETED','FAILED'])[1 + g %% 5]::task_status,
                 (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g %% 4]::task_priority,
                 ARRAY['team-' || (g %% 7), 'area-' || (g %% 11)],
                 now() - (g * interval '7 seconds')
            FROM users u, generate_series(1, %d) g
           WHERE u.email = ANY (?)
          """;
      List<String> heavy = new ArrayList<>();
      for (int i = 1; i <= HEAVY_USERS; i++) {
        heavy.add("bench" + i + "@example.com");
      }
      try (PreparedStatement ps = c.prepareStatement(String.format(insert, heavyEach))) {
        ps.setArray(1, c.createArrayOf("text", heavy.toArray()));
        ps.execute();
      }
      if (lightEach > 0) {
        // Batches of 1,000 users keep each statement's memory small.
        for (int from = HEAVY_USERS + 1; from <= USERS; from += 1000) {
          List<String> batch = new ArrayList<>();
          for (int i = from; i < Math.min(USERS + 1, from + 1000); i++) {
            batch.add("bench" + i + "@example.com");
          }
          try (PreparedStatement ps = c.prepareStatement(String.format(insert, lightEach))) {
            ps.setArray(1, c.createArrayOf("text", batch.toArray()));
            ps.execute();
          }
        }
      }
      s.execute("INSERT INTO users (email, password_hash) VALUES ('" + HUGE_USER + "', 'x')");
      try (PreparedStatement ps = c.prepareStatement(String.format(insert, HUGE_TASKS))) {
        ps.setArray(1, c.createArrayOf("text", new Object[] {HUGE_USER}));
        ps.execute();
      }
    }
  }

  /**
   * The mix starts on a vacuumed, analyzed, checkpointed database, as a server that grew to a
   * million tasks over months stands: otherwise autovacuum works through the million rows just
   * seeded (and every first read sets their hint bits) while the mix is measured. A VACUUM can mark
   * a page all-visible only when no snapshot older than its rows is still held; an autovacuum
   * ANALYZE started during the seed holds one, and a run on 2026-12-03 began with none of the large
   * user's pages all-visible (every index-only walk of its listings read the table). So the tasks
   * are vacuumed again until their pages are (nearly) all marked, and the share is printed.
   */
  static void settle(Connection c) throws Exception {
    long t0 = System.nanoTime();
    double visible;
    try (Statement s = c.createStatement()) {
      s.execute("VACUUM (ANALYZE)");
      visible = allVisibleShare(s);
      for (int again = 0; again < 30 && visible < 0.99; again++) {
        Thread.sleep(1000);
        s.execute("VACUUM tasks");
        visible = allVisibleShare(s);
      }
      s.execute("CHECKPOINT");
    }
    System.out.printf("vacuumed, analyzed and checkpointed in %.1f s; %.1f %% of the tasks' pages all-visible%n",
        secondsSince(t0), 100 * visible);
  }

  /** The share of the tasks table's pages its last VACUUM marked all-visible. */
  static double allVisibleShare(Statement s) throws Exception {
    try (ResultSet rs = s.executeQuery(
        "SELECT relallvisible::float8 / greatest(relpages, 1) FROM pg_class WHERE oid = 'tasks'::regclass")) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  /**
   * How many of the pages holding {@code email}'s tasks are marked all-visible now: an index-only
   * walk of that user's listings reads the table for every entry on a page that is not.
   */
  static void printPagesMarked(Connection c, String email) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility");
    }
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT count(*) FILTER (WHERE v.all_visible), count(*)
          FROM (SELECT DISTINCT (ctid::text::point)[0]::bigint AS page
                  FROM tasks WHERE owner_id = (SELECT id FROM users WHERE email = ?)) p,
               pg_visibility_map('tasks', p.page) v
        """)) {
      ps.setString(1, email);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        System.out.printf("after the mix, %,d of the %,d pages holding %s's tasks are all-visible%n",
            rs.getLong(1), rs.getLong(2), email);
      }
    }
  }

  /** A session of {@code email} with the known {@code token}, made in SQL. */
  static String sessionOf(Connection c, String email, String token) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO user_sessions (user_id, token_hash, expires_at)
        SELECT id, ?, now() + interval '1 day' FROM users WHERE email = ?
        """)) {
      ps.setBytes(1, MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
      ps.setString(2, email);
      ps.executeUpdate();
    }
    return token;
  }

  /** Filtered, sorted listings of one user's tasks (100,000 by default): common and rare filters. */
  static final String[] HUGE_LISTS = {
      "/api/tasks?tag=team-3&sort=createdAt&order=desc&limit=50",
      "/api/tasks?tag=area-7&status=FAILED&sort=updatedAt&order=desc&limit=50",
      "/api/tasks?status=PENDING&priority=CRITICAL&sort=createdAt&order=desc&limit=50",
      "/api/tasks?tag=team-2&tag=area-4&sort=priority&order=desc&limit=50"};

  /**
   * The second API target: a filtered, sorted task list at BENCH_CONNECTIONS connections
   * over one user's BENCH_HUGE_TASKS tasks, for BENCH_HUGE_SECONDS, p99 under 50 ms.
   */
  static void hugeUserListings(String base, String token) throws Exception {
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(HUGE_SECONDS);
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    ServerCpu before = ServerCpu.sample(serverPid, dataDir);
    for (int w = 0; w < CONNECTIONS; w++) {
      pool.submit(() -> {
        KeepAliveClient connection = new KeepAliveClient(base);
        while (System.nanoTime() < end) {
          String path = withFields(HUGE_LISTS[ThreadLocalRandom.current().nextInt(HUGE_LISTS.length)]);
          long t0 = System.nanoTime();
          try {
            int status = connection.send("GET", path, token, null);
            if (status >= 400) {
              errors.merge("list " + status, 1, Integer::sum);
            } else {
              latencies.add((System.nanoTime() - t0) / 1000);
            }
          } catch (Exception e) {
            errors.merge("list " + e.getClass().getSimpleName(), 1, Integer::sum);
          }
        }
        connection.close();
      });
    }
    pool.shutdown();
    pool.awaitTermination(HUGE_SECONDS + 60, TimeUnit.SECONDS);
    ServerCpu cpu = ServerCpu.sample(serverPid, dataDir).minus(before);
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("filtered, sorted lists over one user's %,d tasks, %d connections, %d s: %,d requests"
            + " (%.0f/s), p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (target p99 50 ms)%s%n", HUGE_TASKS, CONNECTIONS,
        HUGE_SECONDS, sorted.length, sorted.length / (double) HUGE_SECONDS, pct(sorted, 50), pct(sorted, 95),
        pct(sorted, 99), errors.isEmpty() ? "" : "; errors: " + errors);
    System.out.printf("cpu      %s%n", cpu.coresBusy());
  }

  /** Sessions for heavy users and a sample of the rest, made in SQL with known tokens. */
  static List<Client> sessions(Connection c) throws Exception {
    List<Client> clients = new ArrayList<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int i = 1; i <= Math.min(USERS, SESSIONS); i++) {
      int user = i <= HEAVY_USERS ? i : 1 + ThreadLocalRandom.current().nextInt(USERS);
      String token = "tfs_bench_" + i;
      try (PreparedStatement ps = c.prepareStatement("""
          INSERT INTO user_sessions (user_id, token_hash, expires_at)
          SELECT id, ?, now() + interval '1 day' FROM users WHERE email = ?
          RETURNING user_id
          """)) {
        ps.setBytes(1, sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        ps.setString(2, "bench" + user + "@example.com");
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          Object userId = rs.getObject(1);
          List<String> ids = new ArrayList<>();
          try (PreparedStatement q = c.prepareStatement(
              "SELECT id::text FROM tasks WHERE owner_id = ? ORDER BY random() LIMIT 50")) {
            q.setObject(1, userId);
            try (ResultSet ts = q.executeQuery()) {
              while (ts.next()) {
                ids.add(ts.getString(1));
              }
            }
          }
          clients.add(new Client(token, new ArrayList<>(ids)));
        }
      }
    }
    return clients;
  }

  static final String[] LISTS = {
      "/api/tasks?status=PENDING&status=QUEUED&sort=createdAt&order=desc&limit=50",
      "/api/tasks?priority=HIGH&priority=CRITICAL&sort=priority&order=desc&limit=50",
      "/api/tasks?tag=team-3&sort=updatedAt&order=desc&limit=50",
      "/api/tasks?roots=true&sort=title&order=asc&limit=50"};

  /** A listing's path asking for {@link #LIST_FIELDS}. */
  static String withFields(String path) {
    return "all".equals(LIST_FIELDS) ? path : path + "&fields=" + LIST_FIELDS;
  }

  static void warmUp(HttpClient http, String base, List<Client> clients) throws Exception {
    for (int i = 0; i < 200; i++) {
      Client client = clients.get(i % clients.size());
      send(http, base, "GET", withFields(LISTS[i % LISTS.length]), client.token(), null);
    }
  }

  static void run(HttpClient http, String base, List<Client> clients, int seconds, String heading) throws Exception {
    Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    for (String op : List.of("list", "get", "create", "update")) {
      latencies.put(op, java.util.Collections.synchronizedList(new ArrayList<>()));
    }
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    ServerCpu before = ServerCpu.sample(serverPid, dataDir);
    long begin = System.nanoTime();
    long end = begin + TimeUnit.SECONDS.toNanos(seconds);
    // Each request's second of the run, kind (0 read, 1 write) and latency: the tail second by second.
    java.util.Queue<long[]> timeline = new java.util.concurrent.ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    for (int w = 0; w < CONNECTIONS; w++) {
      int worker = w;
      pool.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        KeepAliveClient connection = new KeepAliveClient(base);
        while (System.nanoTime() < end) {
          Client client = clients.get((worker + random.nextInt(clients.size())) % clients.size());
          int dice = random.nextInt(100);
          String op;
          String method;
          String path;
          String body = null;
          if (dice < 60 || client.taskIds().isEmpty()) {
            op = "list";
            method = "GET";
            path = withFields(LISTS[random.nextInt(LISTS.length)]);
          } else if (dice < 85) {
            op = "get";
            method = "GET";
            path = "/api/tasks/" + client.taskIds().get(random.nextInt(client.taskIds().size()));
          } else if (dice < 95) {
            op = "create";
            method = "POST";
            path = "/api/tasks";
            body = "{\"title\":\"Bench task\",\"prompt\":\"echo hello\",\"priority\":\"HIGH\",\"tags\":[\"bench\"]}";
          } else {
            op = "update";
            method = "PATCH";
            path = "/api/tasks/" + client.taskIds().get(random.nextInt(client.taskIds().size()));
            body = "{\"description\":\"updated " + random.nextInt() + "\"}";
          }
          long t0 = System.nanoTime();
          try {
            int status = JDK_CLIENT ? send(http, base, method, path, client.token(), body)
                : connection.send(method, path, client.token(), body);
            long micros = (System.nanoTime() - t0) / 1000;
            if (status >= 400) {
              errors.merge(op + " " + status, 1, Integer::sum);
            } else {
              latencies.get(op).add(micros);
              timeline.add(new long[] {(t0 - begin) / 1_000_000_000L, "list".equals(op) || "get".equals(op) ? 0 : 1,
                  micros});
            }
          } catch (Exception e) {
            errors.merge(op + " " + e.getClass().getSimpleName(), 1, Integer::sum);
          }
        }
        connection.close();
      });
    }
    pool.shutdown();
    pool.awaitTermination(seconds + 60, TimeUnit.SECONDS);
    ServerCpu cpu = ServerCpu.sample(serverPid, dataDir).minus(before);
    long total = latencies.values().stream().mapToLong(List::size).sum();
    System.out.printf("%n%s: %d connections (%s) for %d s: %,d requests, %.0f requests/s%n", heading, CONNECTIONS,
        JDK_CLIENT ? "java.net.http" : "one keep-alive socket each", seconds,
        total, total / (double) seconds);
    System.out.println("listed fields: " + ("all".equals(LIST_FIELDS) ? "every field (BENCH_LIST_FIELDS=all)"
        : LIST_FIELDS + " and the id, as the console's task list (BENCH_LIST_FIELDS=all for every field)"));
    System.out.printf("%-8s %10s %10s %9s %9s %9s%n", "op", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms");
    for (String op : List.of("list", "get", "create", "update")) {
      long[] sorted = latencies.get(op).stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("%-8s %10d %10.0f %9.1f %9.1f %9.1f%n", op, sorted.length, sorted.length / (double) seconds,
          pct(sorted, 50), pct(sorted, 95), pct(sorted, 99));
    }
    System.out.printf("cpu      %s%n", cpu.coresBusy());
    System.out.println(errors.isEmpty() ? "errors: none" : "errors: " + errors);
    printSecondBySecond(timeline, seconds);
  }

  /**
   * The requests answered and the p95 of each second of the mix, reads (list, get) and writes
   * (create, update) apart: a tail that comes from stalls shows as a few bad seconds, one that comes
   * from steady queueing as many alike, and a server still compiling its hot path as a slope.
   */
  static void printSecondBySecond(java.util.Queue<long[]> timeline, int seconds) {
    long[] answered = new long[seconds];
    for (long[] sample : timeline) {
      if (sample[0] < seconds) {
        answered[(int) sample[0]]++;
      }
    }
    StringBuilder rates = new StringBuilder("requests answered in each second:");
    for (long count : answered) {
      rates.append(' ').append(count);
    }
    System.out.println(rates);
    for (int kind = 0; kind < 2; kind++) {
      Map<Long, List<Long>> bySecond = new java.util.TreeMap<>();
      for (long[] sample : timeline) {
        if (sample[1] == kind && sample[0] < seconds) {
          bySecond.computeIfAbsent(sample[0], second -> new ArrayList<>()).add(sample[2]);
        }
      }
      StringBuilder line = new StringBuilder(kind == 0 ? "p95 ms of each second, reads: " : "p95 ms of each second, writes:");
      for (List<Long> second : bySecond.values()) {
        long[] sorted = second.stream().mapToLong(Long::longValue).sorted().toArray();
        line.append(' ').append(Math.round(pct(sorted, 95)));
      }
      System.out.println(line);
    }
  }

  /** Full-text search over a heavy user's 10,000 tasks, and a 10-level subtask tree. */
  static void searchAndTree(HttpClient http, String base, Client heavy) throws Exception {
    long[] search = new long[50];
    String[] words = {"websocket", "flaky", "refactor", "module", "reconnect"};
    for (int i = 0; i < search.length; i++) {
      long t0 = System.nanoTime();
      send(http, base, "GET", "/api/tasks?q=" + words[i % words.length] + "&limit=50", heavy.token(), null);
      search[i] = (System.nanoTime() - t0) / 1000;
    }
    Arrays.sort(search);
    String parent = null;
    String root = null;
    for (int level = 0; level < 10; level++) {
      for (int sibling = 0; sibling < 3; sibling++) {
        String body = "{\"title\":\"Level " + level + "." + sibling + "\",\"prompt\":\"p\",\"position\":" + sibling
            + (parent == null ? "" : ",\"parentId\":\"" + parent + "\"") + "}";
        String id = postForId(http, base, body, heavy.token());
        if (sibling == 0) {
          if (root == null) {
            root = id;
          }
          parent = id;
        }
      }
    }
    long[] tree = new long[30];
    for (int i = 0; i < tree.length; i++) {
      long t0 = System.nanoTime();
      send(http, base, "GET", "/api/tasks/" + root + "/tree", heavy.token(), null);
      tree[i] = (System.nanoTime() - t0) / 1000;
    }
    Arrays.sort(tree);
    System.out.printf("%nq= search over one user's tasks: p50 %.1f ms, p95 %.1f ms (target 200 ms)%n", pct(search, 50),
        pct(search, 95));
    System.out.printf("10-level tree (28 tasks): p50 %.1f ms, p95 %.1f ms (target 100 ms)%n", pct(tree, 50),
        pct(tree, 95));
  }

  /**
   * What the console's task list asks for before it paints its first page, for a heavy user, in
   * its order: the page itself, who is signed in, the projects (for the filter), then the first 50
   * tasks; the browser's own work (a few ms for 50 rows) is not in it.
   */
  static void consoleFirstPage(HttpClient http, String base, Client heavy) throws Exception {
    long[] firstPage = new long[30];
    for (int i = 0; i < firstPage.length; i++) {
      long t0 = System.nanoTime();
      HttpRequest shell = HttpRequest.newBuilder(URI.create(base + "/tasks")).header("Accept", "text/html").build();
      http.send(shell, HttpResponse.BodyHandlers.discarding());
      send(http, base, "GET", "/api/users/me", heavy.token(), null);
      send(http, base, "GET", "/api/projects?limit=200", heavy.token(), null);
      send(http, base, "GET", "/api/tasks?limit=50", heavy.token(), null);
      firstPage[i] = (System.nanoTime() - t0) / 1000;
    }
    Arrays.sort(firstPage);
    System.out.printf("console task list, first page's requests: p50 %.1f ms, p95 %.1f ms (target 1000 ms)%n",
        pct(firstPage, 50), pct(firstPage, 95));
  }

  static String postForId(HttpClient http, String base, String body, String token) throws Exception {
    HttpResponse<String> r = http.send(request(base, "POST", "/api/tasks", token, body),
        HttpResponse.BodyHandlers.ofString());
    String text = r.body();
    int at = text.indexOf("\"id\":\"") + 6;
    return text.substring(at, text.indexOf('"', at));
  }

  static int send(HttpClient http, String base, String method, String path, String token, String body) throws Exception {
    return http.send(request(base, method, path, token, body), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static HttpRequest request(String base, String method, String path, String token, String body) {
    return BenchHttp.request(method, base + path, token, body).build();
  }

  static double pct(long[] sortedMicros, int p) {
    return Percentiles.millis(sortedMicros, p);
  }

  static long count(Connection c, String table) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
