package dev.taskforge.queue;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import dev.taskforge.logs.LogLevel;
import dev.taskforge.logs.LogIngest;
import dev.taskforge.logs.LogSource;
import dev.taskforge.logs.LogText;
import dev.taskforge.logs.NewLogLine;
import dev.taskforge.users.Principal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The HTTP API of external workers (authenticated with an API token): claim jobs of the caller's
 * own tasks, heartbeat, append logs, and complete or fail. A worker's leases are held under
 * {@code worker:<user>:<workerId>}, so a worker touches only executions it holds; a late call on a
 * lost lease answers 409.
 */
public final class WorkerRoutes {
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final Pool pool;
  private final Leases leases;
  private final Duration lease;

  /** {@code queue} is the server's queue configuration: limits, and {@code workerLeaseSeconds}. */
  public WorkerRoutes(Vertx vertx, Pool pool, JsonObject queue) {
    this.vertx = vertx;
    this.pool = pool;
    this.lease = leaseOf(queue);
    this.leases = new Leases(pool, lease, QueueLimits.from(queue));
  }

  /** How long an external worker holds a job without a heartbeat. */
  public static Duration leaseOf(JsonObject queue) {
    return queue == null ? DEFAULT_LEASE
        : Duration.ofSeconds(queue.getInteger("workerLeaseSeconds", (int) DEFAULT_LEASE.toSeconds()));
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("workerClaim").addHandler(this::claim);
    builder.getRoute("workerHeartbeat").addHandler(ctx -> held(ctx, job -> leases.heartbeat(job.jobId(),
        workerOf(ctx)).compose(held -> progress(ctx, job)).map(v -> new JsonObject().put("leaseSeconds",
        lease.toSeconds()))));
    builder.getRoute("workerLogs").addHandler(ctx -> held(ctx, job -> LogIngest
        .send(vertx, job.executionId(), lines(Requests.body(ctx).getJsonArray("lines")))
        .recover(failure -> Future.failedFuture(logFailure(failure)))
        .map(last -> new JsonObject().put("lastSeq", last))));
    builder.getRoute("workerComplete").addHandler(ctx -> held(ctx, job -> complete(ctx, job)));
    builder.getRoute("workerFail").addHandler(ctx -> held(ctx, job -> fail(ctx, job)));
  }

  /** A heartbeat may carry the execution's progress (0..1); the first marks it RUNNING. */
  private Future<Void> progress(RoutingContext ctx, ClaimedJob job) {
    Number progress = Requests.body(ctx).getNumber("progress");
    return new dev.taskforge.executions.ExecutionRepository(pool).reportProgress(job.executionId(),
        dev.taskforge.executions.ExecutionStatus.RUNNING, progress == null ? 0f : progress.floatValue()).mapEmpty();
  }

  private static String workerOf(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    return "worker:" + principal.userId() + ":" + Requests.body(ctx).getString("workerId");
  }

  /** Long-polls: claims at once, else every quarter second until something comes or the wait ends. */
  private void claim(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    UUID owner = Authentication.principal(ctx).userId();
    String worker = workerOf(ctx);
    List<String> queues = body.getJsonArray("queues").stream().map(String.class::cast).toList();
    int max = body.getInteger("max", 1);
    long deadline = System.currentTimeMillis() + body.getInteger("waitSeconds", 0) * 1000L;
    Promise<List<ClaimedJob>> result = Promise.promise();
    tryClaim(queues, worker, max, owner, deadline, result);
    result.future()
        .compose(this::withPrompts)
        .map(items -> Responses.page(items, null))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void tryClaim(List<String> queues, String worker, int max, UUID owner, long deadline,
      Promise<List<ClaimedJob>> result) {
    Future<List<ClaimedJob>> all = Future.succeededFuture(new ArrayList<>());
    for (String queue : queues) {
      all = all.compose(list -> list.size() >= max ? Future.succeededFuture(list)
          : leases.claim(queue, worker, max - list.size(), owner).map(more -> {
            list.addAll(more);
            return list;
          }));
    }
    all.onFailure(result::fail).onSuccess(list -> {
      if (!list.isEmpty() || System.currentTimeMillis() >= deadline) {
        result.complete(list);
      } else {
        vertx.setTimer(250, id -> tryClaim(queues, worker, max, owner, deadline, result));
      }
    });
  }

  private Future<List<JsonObject>> withPrompts(List<ClaimedJob> jobs) {
    Future<List<JsonObject>> out = Future.succeededFuture(new ArrayList<>());
    for (ClaimedJob job : jobs) {
      out = out.compose(list -> pool.preparedQuery("SELECT title, prompt, config FROM tasks WHERE id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(job.taskId())).map(rows -> {
            var row = rows.iterator().next();
            list.add(new JsonObject().put("jobId", Long.toString(job.jobId())).put("taskId", job.taskId().toString())
                .put("executionId", job.executionId().toString()).put("queue", job.queueName())
                .put("attempt", job.attempt()).put("title", row.getString("title"))
                .put("prompt", row.getString("prompt")).put("config", row.getValue("config"))
                .put("leaseSeconds", lease.toSeconds()));
            return list;
          }));
    }
    return out;
  }

  /** Runs {@code action} on the execution if this worker holds it: 409 when the lease is gone. */
  private void held(RoutingContext ctx, Function<ClaimedJob, Future<JsonObject>> action) {
    UUID execution = Requests.uuidParam(ctx, "executionId");
    leases.held(execution, workerOf(ctx))
        .compose(job -> job.isEmpty()
            ? Future.failedFuture(ApiException.conflict("lease_lost",
                "this worker does not hold execution " + execution + " (never claimed, finished, or its lease expired)",
                null))
            : action.apply(job.get()))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> complete(RoutingContext ctx, ClaimedJob job) {
    JsonObject body = Requests.body(ctx);
    Number cost = body.getNumber("costEstimate");
    Long tokens = body.getLong("tokensUsed");
    return new Outcomes(pool).complete(job, workerOf(ctx), new Outcomes.Success(null, null, body.getString("summary"),
            null, tokens, null, null, null, null, cost == null ? null : new BigDecimal(cost.toString()), null))
        .compose(done -> done ? Future.succeededFuture(new JsonObject().put("status", "COMPLETED"))
            : Future.failedFuture(ApiException.conflict("lease_lost", "the lease was lost before completion", null)));
  }

  private Future<JsonObject> fail(RoutingContext ctx, ClaimedJob job) {
    JsonObject body = Requests.body(ctx);
    return new Outcomes(pool).fail(job, workerOf(ctx), new Outcomes.Failure(body.getString("errorMessage"),
            body.getString("errorCode"), body.getString("stackTrace"), null, body.getBoolean("retryable", true), false,
            false))
        .compose(done -> done ? Future.succeededFuture(new JsonObject().put("status", "RECORDED"))
            : Future.failedFuture(ApiException.conflict("lease_lost", "the lease was lost before the failure", null)));
  }

  /** Full ingestion is worth a retry shortly; lines PostgreSQL refused are the request's fault. */
  private static Throwable logFailure(Throwable failure) {
    if (LogIngest.isQueueFull(failure)) {
      return new dev.taskforge.http.ServiceBusy(failure.getMessage(), 1);
    }
    return LogIngest.isRefused(failure) ? ApiException.badRequest("lines", "the lines could not be stored: "
        + failure.getMessage()) : failure;
  }

  private static List<NewLogLine> lines(JsonArray lines) {
    List<NewLogLine> out = new ArrayList<>();
    for (Object o : lines) {
      JsonObject l = (JsonObject) o;
      out.add(LogText.storable(new NewLogLine(l.getString("timestamp") == null ? OffsetDateTime.now(ZoneOffset.UTC)
              : OffsetDateTime.parse(l.getString("timestamp")),
          LogLevel.valueOf(l.getString("level", "INFO")), LogSource.valueOf(l.getString("source", "WORKER")),
          l.getString("message"), l.getJsonObject("details"), l.getString("component"), l.getString("operation"),
          l.getString("correlationId"))));
    }
    return out;
  }
}
