package dev.taskforge.workflows;

import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * External dependencies of steps: {@code waitFor: {url, expectStatus (200), intervalSeconds (30),
 * timeoutSeconds (3600)}} holds a step, once the steps it depends on have ended, until a GET of
 * the url answers the expected status; a wait that runs out fails the step. The server makes these
 * requests itself, so only urls under {@code workflows.waitFor.allowedUrlPrefixes} may be named
 * (none by default): a workflow must not be a way to reach what only the server can.
 *
 * <p>A check is claimed by writing its time ({@code FOR UPDATE SKIP LOCKED}, committed) before the
 * request is made, so one instance asks at a time and no lock is held while waiting for the answer.
 */
final class ExternalWaits {
  private static final Logger log = LoggerFactory.getLogger(ExternalWaits.class);
  static final int BATCH = 20;
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private final List<String> allowedPrefixes;
  private final Pool pool;
  private final HttpClientAgent http;

  /** The policy alone, to check workflows when they are saved. */
  ExternalWaits(JsonObject workflows) {
    this(workflows, null, null);
  }

  ExternalWaits(JsonObject workflows, Vertx vertx, Pool pool) {
    JsonObject settings = workflows == null ? new JsonObject() : workflows.getJsonObject("waitFor", new JsonObject());
    List<String> prefixes = new ArrayList<>();
    settings.getJsonArray("allowedUrlPrefixes", new JsonArray()).forEach(p -> prefixes.add(String.valueOf(p)));
    this.allowedPrefixes = List.copyOf(prefixes);
    this.pool = pool;
    this.http = vertx == null ? null : vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  /** Refuses (400 naming {@code field}) a waitFor whose url is not http(s) under an allowed prefix. */
  void check(JsonObject waitFor, String field) {
    String url = waitFor.getString("url");
    if (!allowed(url)) {
      throw ApiException.badRequest(field + ".url", "the server may not ask " + url + ": it is not under any of "
          + "workflows.waitFor.allowedUrlPrefixes " + allowedPrefixes);
    }
  }

  private boolean allowed(String url) {
    return url != null && (url.startsWith("http://") || url.startsWith("https://"))
        && allowedPrefixes.stream().anyMatch(url::startsWith);
  }

  /** Asks the urls of the waits that are due a check; answers how many waits ended (met or timed out). */
  Future<Integer> checkDue() {
    return Templates.forQuery(pool, WorkflowRunSql.CLAIM_WAIT_CHECKS).execute(Map.of("limit", BATCH))
        .compose(rows -> {
          List<Future<Boolean>> checks = new ArrayList<>();
          for (Row row : rows) {
            checks.add(checkOne(row));
          }
          return Future.all(checks).map(all -> (int) checks.stream().filter(f -> f.result()).count());
        });
  }

  private Future<Boolean> checkOne(Row row) {
    JsonObject waitFor = new JsonObject(row.getJsonObject("wait_for").encode());
    String url = waitFor.getString("url");
    int expect = waitFor.getInteger("expectStatus", 200);
    long timeoutSeconds = waitFor.getInteger("timeoutSeconds", 3600);
    OffsetDateTime since = row.getOffsetDateTime("wait_since");
    boolean outOfTime = since != null && Duration.between(since, OffsetDateTime.now()).getSeconds() >= timeoutSeconds;
    Future<String> asked = !allowed(url)
        ? Future.succeededFuture("not asked: the url is not under workflows.waitFor.allowedUrlPrefixes")
        : http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setConnectTimeout(REQUEST_TIMEOUT_MS).setIdleTimeout(REQUEST_TIMEOUT_MS))
            .compose(request -> request.send())
            .compose(response -> response.body().map(ignored -> "HTTP " + response.statusCode()))
            .recover(failure -> Future.succeededFuture("no answer: " + failure.getMessage()));
    return asked.compose(result -> {
      String state = result.equals("HTTP " + expect) ? "MET" : outOfTime ? "TIMED_OUT" : "WAITING";
      Map<String, Object> params = new HashMap<>();
      params.put("run_id", row.getUUID("run_id"));
      params.put("step_key", row.getString("step_key"));
      params.put("state", state);
      params.put("result", "TIMED_OUT".equals(state) ? "timed out after " + timeoutSeconds + " s; last check: " + result
          : result);
      if (!state.equals("WAITING")) {
        log.info("workflow step wait ended run={} step={} state={} result={}", row.getUUID("run_id"),
            row.getString("step_key"), state, result);
      }
      return Templates.forUpdate(pool, WorkflowRunSql.RECORD_WAIT_CHECK).execute(params)
          .map(v -> !state.equals("WAITING"));
    });
  }

  Future<Void> close() {
    return http == null ? Future.succeededFuture() : http.close();
  }
}
