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

/**
 * Load generator of bench/workflow-bench.sh: creates workflows of BENCH_STEPS steps in three shapes
 * and times POST /api/workflows/{id}/runs, which writes a task per step, their dependencies, the
 * run's steps and the first jobs in one transaction. The tasks go to a queue no dispatcher serves,
 * so only the creation of runs is measured.
 */
public class WorkflowBench {
  static final int STEPS = BenchEnv.integer("BENCH_STEPS", 1000);
  static final int RUNS = BenchEnv.integer("BENCH_RUNS", 10);
  static final String PROMPT = "Review module %d of the service, fix what the linter reports and keep its tests green.";

  public static void main(String[] args) throws Exception {
    String base = args[0];
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    String token = BenchHttp.signIn(http, base, "workflow-bench@example.com", "a long bench password");
    System.out.printf("runs of %,d steps; %d timed runs per shape after one warm-up run%n", STEPS, RUNS);
    boolean allFast = true;
    for (String shape : List.of("fan", "layers", "chain")) {
      String workflow = post(http, base + "/api/workflows", token, workflow(shape), 201);
      String id = workflow.replaceAll("(?s)^\\{\"id\":\"([^\"]+)\".*", "$1");
      post(http, base + "/api/workflows/" + id + "/runs", token, "{\"context\":{\"env\":\"bench\"}}", 201);
      double[] ms = new double[RUNS];
      for (int i = 0; i < RUNS; i++) {
        long start = System.nanoTime();
        String run = post(http, base + "/api/workflows/" + id + "/runs", token, "{\"context\":{\"env\":\"bench\"}}", 201);
        ms[i] = (System.nanoTime() - start) / 1e6;
        int steps = run.split("\"taskId\"").length - 1;
        if (steps != STEPS) {
          throw new IllegalStateException("a run answered " + steps + " steps, not " + STEPS);
        }
      }
      java.util.Arrays.sort(ms);
      double p50 = ms[(RUNS - 1) / 2];
      allFast &= ms[RUNS - 1] < 1000;
      System.out.printf("%-7s %s: run created in p50 %.0f ms, max %.0f ms%n", shape, describe(shape), p50, ms[RUNS - 1]);
    }
    System.out.println(allFast ? "every run of " + STEPS + " steps was created in under 1 s"
        : "SOME RUNS TOOK 1 s OR MORE");
    engineScan(Path.of(args[1]));
    System.exit(0);
  }

  /**
   * What the workflow engine's scan for runs with something to do costs with every run above live
   * (their tasks wait on a queue nobody serves): the engine's own statement, read from the jar, run
   * with EXPLAIN ANALYZE a few times.
   */
  static void engineScan(Path dataDir) throws Exception {
    java.lang.reflect.Field field = Class.forName("dev.taskforge.workflows.WorkflowRunSql").getDeclaredField("ACTIONABLE_RUNS");
    field.setAccessible(true);
    String sql = ((String) field.get(null)).replace("#{limit}", "50");
    try (Connection c = BenchDatabase.connect(dataDir);
         Statement s = c.createStatement()) {
      ResultSet live = s.executeQuery("SELECT count(*), (SELECT count(*) FROM workflow_run_steps) FROM workflow_executions "
          + "WHERE status = 'RUNNING'");
      live.next();
      long runs = live.getLong(1);
      long steps = live.getLong(2);
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        ResultSet plan = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + sql);
        plan.next();
        String json = plan.getString(1);
        double ms = Double.parseDouble(json.replaceAll("(?s).*\"Execution Time\": ([0-9.]+).*", "$1"));
        best = Math.min(best, ms);
      }
      System.out.printf("engine scan with %,d live runs (%,d steps, none with anything to do): %.1f ms (best of 5)%n",
          runs, steps, best);
    }
  }

  static String describe(String shape) {
    return switch (shape) {
      case "fan" -> "(one step, then all others after it, then one after all: " + (STEPS - 2) + " edges in, as many out)";
      case "layers" -> "(10 layers, each step after two of the layer before; 1 in 10 reads a result)";
      default -> "(each step after the one before)";
    };
  }

  /** A workflow of STEPS steps on a queue no dispatcher serves. */
  static String workflow(String shape) {
    StringBuilder body = new StringBuilder("{\"name\":\"bench " + shape + "\",\"configuration\":{\"queue\":\"bench-workflow\"},\"steps\":[");
    int width = STEPS / 10;
    for (int i = 0; i < STEPS; i++) {
      List<String> deps = new ArrayList<>();
      String prompt = String.format(PROMPT, i) + " Environment {{context.env}}.";
      switch (shape) {
        case "fan" -> {
          if (i == STEPS - 1) {
            for (int j = 1; j < STEPS - 1; j++) {
              deps.add("s" + j);
            }
          } else if (i > 0) {
            deps.add("s0");
          }
        }
        case "layers" -> {
          if (i >= width) {
            int layerStart = (i / width - 1) * width;
            deps.add("s" + (layerStart + i % width));
            deps.add("s" + (layerStart + (i + 1) % width));
            if (i % 10 == 0) {
              prompt += " Start from {{steps.s" + (layerStart + i % width) + ".result.summary}}";
            }
          }
        }
        default -> {
          if (i > 0) {
            deps.add("s" + (i - 1));
          }
        }
      }
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"key\":\"s").append(i).append("\",\"task\":{\"title\":\"Step ").append(i)
          .append("\",\"prompt\":\"").append(prompt).append("\"},\"dependsOn\":[");
      for (int d = 0; d < deps.size(); d++) {
        body.append(d > 0 ? "," : "").append('"').append(deps.get(d)).append('"');
      }
      body.append("]}");
    }
    return body.append("]}").toString();
  }

  static String post(HttpClient http, String url, String token, String body, int expected) throws Exception {
    HttpResponse<String> r = http.send(request(url, token, body), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": "
          + r.body().substring(0, Math.min(500, r.body().length())));
    }
    return r.body();
  }

  static HttpRequest request(String url, String token, String body) {
    return BenchHttp.request("POST", url, token, body).timeout(Duration.ofSeconds(120)).build();
  }
}
