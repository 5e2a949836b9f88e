package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ApiTestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading a log back: filtered pages, full-text search, the plain download and the SSE tail. */
class LogHistoryApiTest {
  private static ApiTestServer api;
  private static String token;
  private static UUID owner;
  private static UUID execution;
  private static final OffsetDateTime START = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(10);

  @BeforeAll
  static void start() throws Exception {
    api = new ApiTestServer(LogHistoryApiTest.class);
    token = api.newUserToken("reader@example.com");
    owner = UUID.fromString(api.get("/api/users/me", token).json().getString("id"));
    execution = Executions.running(api.db, owner);
    List<NewLogLine> lines = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      LogLevel level = i % 10 == 0 ? LogLevel.ERROR : i % 5 == 0 ? LogLevel.WARN : LogLevel.INFO;
      LogSource source = i % 3 == 0 ? LogSource.STDERR : LogSource.STDOUT;
      lines.add(new NewLogLine(START.plusSeconds(i), level, source, i == 7 ? "compiling the parser module" : "step " + i,
          null, null, null, i % 2 == 0 ? "req-even" : "req-odd"));
    }
    api.vertx.eventBus().request(LogIngestVerticle.ADDRESS, new LogBatch(execution, lines))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static List<Long> seqs(String query) {
    ApiTestServer.Response r = api.get("/api/executions/" + execution + "/logs" + query, token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(l -> ((JsonObject) l).getLong("seq")).toList();
  }

  @Test
  void pagesFollowEachOtherWithNextAfter() {
    JsonObject first = api.get("/api/executions/" + execution + "/logs?limit=12", token).json();
    assertThat(first.getJsonArray("items")).hasSize(12);
    assertThat(first.getLong("nextAfter")).isEqualTo(12);

    assertThat(seqs("?after=12&limit=100")).containsExactlyElementsOf(
        Stream.iterate(13L, i -> i + 1).limit(18).toList());
    assertThat(api.get("/api/executions/" + execution + "/logs?after=12&limit=100", token).json()
        .getValue("nextAfter")).isNull();
  }

  @Test
  void eachFilterNarrowsTheLines() {
    assertThat(seqs("?level=WARN")).containsExactly(5L, 10L, 15L, 20L, 25L, 30L);
    assertThat(seqs("?level=ERROR")).containsExactly(10L, 20L, 30L);
    assertThat(seqs("?source=STDERR&level=WARN")).containsExactly(15L, 30L);
    assertThat(seqs("?q=parser%20compiling")).containsExactly(7L);
    assertThat(seqs("?q=PARSER")).as("any case").containsExactly(7L);
    assertThat(seqs("?q=step_10")).as("words split as the text search splits them").containsExactly(10L);
    assertThat(seqs("?correlationId=req-even&level=ERROR")).containsExactly(10L, 20L, 30L);
    String from = START.plusSeconds(28).toInstant().toString();
    assertThat(seqs("?from=" + from)).containsExactly(28L, 29L, 30L);
    assertThat(seqs("?to=" + START.plusSeconds(3).toInstant())).containsExactly(1L, 2L);
  }

  @Test
  void badParametersAreRefusedNamingThem() {
    for (String[] bad : new String[][] {{"?level=LOUD", "level"}, {"?limit=0", "limit"}, {"?after=-1", "after"},
        {"?from=yesterday", "from"}, {"?colour=red", "colour"}}) {
      ApiTestServer.Response r = api.get("/api/executions/" + execution + "/logs" + bad[0], token);
      assertThat(r.status()).as(bad[0]).isEqualTo(400);
      assertThat(r.text()).as(bad[0]).contains(bad[1]);
    }
  }

  @Test
  void anotherUsersExecutionDoesNotExistForThem() {
    String stranger = api.newUserToken("stranger@example.com");

    assertThat(api.get("/api/executions/" + execution + "/logs", stranger).status()).isEqualTo(404);
    assertThat(api.get("/api/executions/" + execution + "/logs.txt", stranger).status()).isEqualTo(404);
    assertThat(api.get("/api/executions/" + execution + "/logs", null).status()).isEqualTo(401);
  }

  @Test
  void theDownloadIsTheWholeLogAsText() {
    ApiTestServer.Response r = api.get("/api/executions/" + execution + "/logs.txt", token);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("content-type")).startsWith("text/plain");
    String[] lines = r.text().split("\n");
    assertThat(lines).hasSize(30);
    assertThat(lines[6]).endsWith("INFO  STDOUT compiling the parser module");
    assertThat(lines[9]).contains("ERROR STDOUT step 10");
  }

  @Test
  void theEventStreamSendsTheLinesAfterLastEventIdThenTheEnd() throws Exception {
    Executions.end(api.db, execution, "COMPLETED");
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port + "/api/executions/"
        + execution + "/logs/stream")).header("Authorization", "Bearer " + token).header("Last-Event-ID", "27")
        .timeout(Duration.ofSeconds(30)).build();

    HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<String> ids = r.body().lines().filter(l -> l.startsWith("id: ")).toList();
    assertThat(ids).containsExactly("id: 28", "id: 29", "id: 30");
    assertThat(r.body()).contains("event: end").contains("\"status\":\"COMPLETED\"");
    JsonObject line = new JsonObject(r.body().lines().filter(l -> l.startsWith("data: {\"seq\":28")).findFirst()
        .orElseThrow().substring(6));
    assertThat(line.getString("correlationId")).isEqualTo("req-even");
    // Line 28 as it was written: step 28, not a multiple of 3 (STDOUT) nor of 5 (INFO).
    assertThat(line.getString("message")).isEqualTo("step 28");
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("source")).isEqualTo("STDOUT");
  }
}
