package dev.taskforge.queue;

import dev.taskforge.db.Templates;
import dev.taskforge.executions.ExecutionRepository;
import dev.taskforge.executions.ExecutionStatus;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import dev.taskforge.http.ServiceBusy;
import dev.taskforge.logs.LogIngest;
import dev.taskforge.logs.WorkerLogLines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of external workers (authenticated with an API token): claim jobs of the caller's
 * own tasks, heartbeat, append logs, and complete or fail. A worker's leases are held under
 * {@code worker:<user>:<workerId>}, so a worker touches only executions it holds; a late call on a
 * lost lease answers 409.
 */
public final class WorkerRoutes {
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
  /** How often a waiting claim asks again with no notification of a new job. */
  static final long SAFETY_RETRY_MS = 5000;
  private static final Logger log = LoggerFactory.getLogger(WorkerRoutes.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Leases leases;
  private final Duration lease;
  private final QueueWakeups wakeups;

  /**
   * {@code queue} is the server's queue configuration: limits, and {@code workerLeaseSeconds};
   * {@code wakeups} tells waiting claims of new jobs.
   */
  public WorkerRoutes(Vertx vertx, Pool pool, JsonObject queue, QueueWakeups wakeups) {
    this.vertx = vertx;
    this.wakeups = wakeups;
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
        workerOf(ctx)).compose(beat -> progress(ctx, job).map(v -> new JsonObject()
            .put("leaseSeconds", lease.toSeconds())
            .put("cancel", beat.cancelRequested().contains(job.jobId()))))));
    // The hottest request: its body is read and checked once, by hand, by the contract's rules
    // (WorkerLogLines), instead of the validator walking the schema again for each of its lines.
    builder.getRoute("workerLogs").setDoValidation(false).addHandler(this::logs);
    builder.getRoute("workerComplete").addHandler(ctx -> held(ctx, job -> complete(ctx, job)));
    builder.getRoute("workerFail").addHandler(ctx -> held(ctx, job -> fail(ctx, job)));
  }

  private void logs(RoutingContext ctx) {
    WorkerLogLines batch = WorkerLogLines.parse(ctx.request().getHeader("Content-Type"), ctx.body().buffer());
    held(ctx, workerOf(Authentication.principal(ctx), batch.workerId()), job -> LogIngest
        .send(vertx, job.executionId(), batch.lines())
        .recover(failure -> Future.failedFuture(logFailure(failure)))
        .map(last -> new JsonObject().put("lastSeq", last)));
  }

  /** A heartbeat may carry the execution's progress (0..1); the first marks it RUNNING. */
  private Future<Void> progress(RoutingContext ctx, ClaimedJob job) {
    Number progress = Requests.body(ctx).getNumber("progress");
    return new ExecutionRepository(pool).reportProgress(job.executionId(),
        ExecutionStatus.RUNNING, progress == null ? 0f : progress.floatValue()).mapEmpty();
  }

  private static String workerOf(RoutingContext ctx) {
    return workerOf(Authentication.principal(ctx), Requests.body(ctx).getString("workerId"));
  }

  /** The lease owner of a worker: its token's user and the id it gives itself. */
  private static String workerOf(Principal principal, String workerId) {
    return "worker:" + principal.userId() + ":" + workerId;
  }

  /** Claims at once; with {@code waitSeconds}, waits for a job of one of its queues ({@link LongPoll}). */
  private void claim(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    List<String> queues = body.getJsonArray("queues").stream().map(String.class::cast).toList();
    new LongPoll(ctx, queues, workerOf(ctx), body.getInteger("max", 1), Authentication.principal(ctx).userId(),
        body.getInteger("waitSeconds", 0) * 1000L).start();
  }

  /**
   * One waiting claim. It asks the database when it starts, then only when a job of one of its
   * queues is announced (NOTIFY), every {@link #SAFETY_RETRY_MS} (a notification lost to a
   * reconnect) and at its deadline: a waiting worker holds no connection and runs no query. When
   * the client goes away it stops waiting; jobs claimed for a client that is gone by the time the
   * answer is written are given back.
   */
  private final class LongPoll {
    private final RoutingContext ctx;
    private final List<String> queues;
    private final String worker;
    private final int max;
    private final UUID owner;
    private final long deadline;
    private boolean claiming;
    private boolean again;
    private boolean finished;
    private boolean gone;
    private Runnable unlisten = () -> { };
    private long safetyTimer = -1;
    private long deadlineTimer = -1;

    LongPoll(RoutingContext ctx, List<String> queues, String worker, int max, UUID owner, long waitMs) {
      this.ctx = ctx;
      this.queues = queues;
      this.worker = worker;
      this.max = max;
      this.owner = owner;
      this.deadline = System.currentTimeMillis() + waitMs;
    }

    void start() {
      ctx.response().closeHandler(v -> {
        gone = true;
        finish();
      });
      long waitMs = deadline - System.currentTimeMillis();
      if (waitMs > 0) {
        unlisten = wakeups.onNewJob(queues, this::attempt);
        safetyTimer = vertx.setPeriodic(SAFETY_RETRY_MS, id -> attempt());
        deadlineTimer = vertx.setTimer(waitMs, id -> attempt());
      }
      attempt();
    }

    /** Claims now, or right after the claim under way when one is. */
    private void attempt() {
      if (finished) {
        return;
      }
      if (claiming) {
        again = true;
        return;
      }
      claiming = true;
      again = false;
      claimAll().onComplete(ar -> {
        claiming = false;
        if (ar.failed()) {
          if (!finished) {
            finish();
            ctx.fail(ar.cause());
          }
        } else if (finished) {
          giveBack(ar.result()); // the client left while the claim ran
        } else if (!ar.result().isEmpty() || System.currentTimeMillis() >= deadline) {
          finish();
          deliver(ar.result());
        } else if (again) {
          attempt();
        }
      });
    }

    private Future<List<ClaimedJob>> claimAll() {
      List<ClaimedJob> all = new ArrayList<>();
      return leases.claimRound(queues, worker, max, owner, all::addAll).map(count -> all);
    }

    private void finish() {
      finished = true;
      unlisten.run();
      vertx.cancelTimer(safetyTimer);
      vertx.cancelTimer(deadlineTimer);
    }

    private void deliver(List<ClaimedJob> jobs) {
      withPrompts(jobs).onComplete(ar -> {
        if (ar.failed()) {
          giveBack(jobs);
          ctx.fail(ar.cause());
        } else if (gone || ctx.response().closed()) {
          giveBack(jobs);
        } else {
          ctx.json(Responses.page(ar.result(), null)).onFailure(e -> giveBack(jobs));
        }
      });
    }

    private void giveBack(List<ClaimedJob> jobs) {
      if (jobs.isEmpty()) {
        return;
      }
      leases.giveBack(jobs.stream().map(ClaimedJob::jobId).toList(), worker)
          .onSuccess(n -> log.info("claimed jobs given back, the worker went away worker={} jobs={}", worker, n))
          .onFailure(e -> log.warn("claimed jobs not given back, their lease will expire worker={}", worker, e));
    }
  }

  private Future<List<JsonObject>> withPrompts(List<ClaimedJob> jobs) {
    UUID[] taskIds = jobs.stream().map(ClaimedJob::taskId).toArray(UUID[]::new);
    return Templates.forQuery(pool, LeaseSql.HANDED_OUT).execute(Map.of("task_ids", taskIds)).map(rows -> {
      Map<UUID, Row> tasks = new HashMap<>();
      rows.forEach(row -> tasks.put(row.getUUID("id"), row));
      List<JsonObject> handed = new ArrayList<>();
      for (ClaimedJob job : jobs) {
        Row task = tasks.get(job.taskId());
        handed.add(new JsonObject().put("jobId", Long.toString(job.jobId())).put("taskId", job.taskId().toString())
            .put("executionId", job.executionId().toString()).put("queue", job.queueName())
            .put("attempt", job.attempt()).put("title", task.getString("title"))
            .put("prompt", task.getString("prompt")).put("config", task.getValue("config"))
            .put("leaseSeconds", lease.toSeconds()));
      }
      return handed;
    });
  }

  /** Runs {@code action} on the execution if the body's worker holds it: 409 when the lease is gone. */
  private void held(RoutingContext ctx, Function<ClaimedJob, Future<JsonObject>> action) {
    held(ctx, workerOf(ctx), action);
  }

  /** Runs {@code action} on the execution of the path if {@code worker} holds it: 409 otherwise. */
  private void held(RoutingContext ctx, String worker, Function<ClaimedJob, Future<JsonObject>> action) {
    UUID execution = Requests.uuidParam(ctx, "executionId");
    leases.held(execution, worker)
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
    Outcomes.Success reported = Outcomes.Success.reported(body.getString("summary"))
        .withUsage(tokens, cost == null ? null : new BigDecimal(cost.toString()));
    return new Outcomes(pool).complete(job, workerOf(ctx), reported)
        .compose(done -> done ? Future.succeededFuture(new JsonObject().put("status", "COMPLETED"))
            : Future.failedFuture(ApiException.conflict("lease_lost", "the lease was lost before completion", null)));
  }

  private Future<JsonObject> fail(RoutingContext ctx, ClaimedJob job) {
    JsonObject body = Requests.body(ctx);
    FailureKind kind = body.getBoolean("retryable", true) ? FailureKind.FAILED_RETRYABLE : FailureKind.FAILED_FOR_GOOD;
    Outcomes.Failure reported = Outcomes.Failure.of(kind, body.getString("errorMessage"), body.getString("errorCode"))
        .withStackTrace(body.getString("stackTrace"));
    return new Outcomes(pool).fail(job, workerOf(ctx), reported)
        .compose(done -> done ? Future.succeededFuture(new JsonObject().put("status", "RECORDED"))
            : Future.failedFuture(ApiException.conflict("lease_lost", "the lease was lost before the failure", null)));
  }

  /** Full ingestion is worth a retry shortly; lines PostgreSQL refused are the request's fault. */
  private static Throwable logFailure(Throwable failure) {
    if (LogIngest.isQueueFull(failure)) {
      return new ServiceBusy(failure.getMessage(), 1);
    }
    return LogIngest.isRefused(failure) ? ApiException.badRequest("lines", "the lines could not be stored: "
        + failure.getMessage()) : failure;
  }

}
