package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API's statements run under {@code database.statementTimeoutMs}: a slow one is a 503, never a hang. */
class StatementTimeoutApiTest {
  private static ApiTestServer api;
  private static String session;

  @BeforeAll
  static void start() {
    api = new ApiTestServer(StatementTimeoutApiTest.class,
        new JsonObject().put("database", new JsonObject().put("statementTimeoutMs", 300)));
    session = api.newUserToken("slow@example.com");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aStatementOverTheTimeoutAnswers503WithAJsonErrorRatherThanHanging() throws Exception {
    Pool other = PgBuilder.pool().connectingTo(api.db.connectOptions()).using(api.vertx).build();
    SqlConnection holder = other.getConnection().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      // Another session holds the tasks table: listing tasks waits on it for as long as it is held.
      holder.query("BEGIN").execute().compose(v -> holder.query("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE").execute())
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port + "/api/tasks"))
          .header("Authorization", "Bearer " + session).timeout(Duration.ofSeconds(30)).GET().build();
      HttpResponse<String> response = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .completeOnTimeout(null, 5, TimeUnit.SECONDS).get();

      assertThat(response).as("an answer within 5 s while the table is locked").isNotNull();
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      JsonObject error = new JsonObject(response.body()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("statement_timeout");
      assertThat(error.getString("message")).contains("took too long");
    } finally {
      holder.query("ROLLBACK").execute().eventually(holder::close).eventually(other::close)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
