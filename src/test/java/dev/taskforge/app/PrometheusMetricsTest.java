package dev.taskforge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} shows, in Prometheus' format, the queues working, beside Vert.x's and the JVM's own figures. */
class PrometheusMetricsTest {
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String SCRAPE_TOKEN = "scrape-secret-0123456789";

  @TempDir
  Path dataDir;

  private ServerProcess server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private String call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private HttpResponse<String> scrape(String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/metrics"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(EmbeddedDatabase.ofRunningServer(dataDir).orElseThrow());
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void theScrapeShowsJobsQueuesAndTheServerItselfToTheHolderOfTheMetricsToken() throws Exception {
    server = ServerProcess.start(dataDir, Map.of("TASKFORGE_EXECUTOR_NOOP_ENABLED", "true",
        "TASKFORGE_METRICS_SAMPLE_SECONDS", "1", "TASKFORGE_METRICS_TOKEN", SCRAPE_TOKEN))
        .awaitReady(Duration.ofSeconds(90));
    String credentials = "{\"email\":\"ops@example.com\",\"password\":\"a long password\"}";
    call("POST", "/api/auth/register", null, credentials);
    String token = call("POST", "/api/auth/login", null, credentials).replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    for (int i = 0; i < 3; i++) {
      call("POST", "/api/tasks", token, "{\"title\":\"n\",\"prompt\":\"p\",\"config\":{\"executor\":\"noop\"}}");
    }
    // Nobody serves these queues and the configuration names neither: their jobs wait, the sampler
    // sees them waiting, and the scrape counts them under "other" rather than by any name a task brings.
    call("POST", "/api/tasks", token, "{\"title\":\"w\",\"prompt\":\"p\",\"config\":{\"queue\":\"parked\"}}");
    call("POST", "/api/tasks", token, "{\"title\":\"w\",\"prompt\":\"p\",\"config\":{\"queue\":\"parked-too\"}}");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String scrape = "";
    while (System.nanoTime() < deadline) {
      scrape = scrape(SCRAPE_TOKEN).body();
      if (scrape.contains("taskforge_jobs_completed_total{queue=\"default\"} 3.0")
          && scrape.contains("taskforge_queue_jobs{queue=\"other\",state=\"waiting\"} 2.0")) {
        break;
      }
      Thread.sleep(250);
    }

    assertThat(scrape)
        .contains("taskforge_jobs_completed_total{queue=\"default\"} 3.0")
        .contains("taskforge_jobs_claimed_total{queue=\"default\"} 3.0")
        .contains("taskforge_job_wait_seconds_bucket{queue=\"default\",le=")
        .contains("taskforge_job_run_seconds_count{outcome=\"completed\",queue=\"default\"} 3")
        .contains("taskforge_queue_jobs{queue=\"other\",state=\"waiting\"} 2.0")
        .contains("taskforge_queue_oldest_wait_seconds{queue=\"other\"}")
        .doesNotContain("parked")
        .contains("vertx_http_server_requests_total")
        .contains("jvm_memory_used_bytes");
    String scraped = scrape;
    assertThat(scraped.lines().filter(line -> line.startsWith("# TYPE taskforge_")))
        .isNotEmpty()
        .allSatisfy(type -> assertThat(scraped).as("HELP of " + type)
            .containsPattern("# HELP " + type.split(" ")[2] + " \\S"));
    assertThat(scrape(SCRAPE_TOKEN).headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain"));
    assertThat(scrape(null).statusCode()).isEqualTo(401);
    assertThat(scrape("scrape-secret-wrong-one").statusCode()).isEqualTo(401);
    assertThat(scrape(null).body()).doesNotContain("taskforge_");
    assertThat(count("SELECT count(*) FROM system_metrics WHERE metric_name = 'queue.waiting' "
        + "AND queue_name = 'parked' AND value = 1")).isPositive();
  }
}
