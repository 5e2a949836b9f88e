package dev.taskforge.workflows;

import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of triggers that are due. Each due schedule is taken by one instance
 * ({@code FOR UPDATE SKIP LOCKED}) and, in one transaction, gets a run for its latest due time at
 * or before now (due times missed while no server ran are skipped but that one, or all of them
 * with {@code missed: skip}) and its next due time after now. An on-complete trigger gets a run
 * for each end of its source run or task. The run carries the trigger and what it was started for
 * (the due time, the end) as its unique key, so even a scheduler whose clock is off cannot start
 * a second run for the same due time or end.
 */
final class TriggerScheduler {
  private static final Logger log = LoggerFactory.getLogger(TriggerScheduler.class);
  static final int BATCH = 50;
  /** With {@code missed: skip}, a due time found later than this after it is let go. */
  static final long SKIP_AFTER_SECONDS = 60;

  private final Pool pool;

  TriggerScheduler(Pool pool) {
    this.pool = pool;
  }

  /** Fires what is due at {@code now}, one trigger per transaction; answers how many it handled. */
  Future<Integer> fire(Instant now) {
    return fireNext(now, 0).compose(crons -> fireEnded(crons));
  }

  /** Starts a run for each end an on-complete trigger has not answered yet, one per transaction. */
  private Future<Integer> fireEnded(int handled) {
    if (handled >= 2 * BATCH) {
      return Future.succeededFuture(handled);
    }
    return pool.withTransaction(conn -> Templates.forQuery(conn, TriggerSql.LOCK_ENDED_SOURCE).execute(Map.of())
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(false);
              }
              Row row = rows.iterator().next();
              WorkflowTrigger trigger = WorkflowTrigger.MAPPER.map(row);
              String kind = row.getString("source_kind");
              JsonObject context = trigger.context().copy().put("source", new JsonObject().put("type", kind)
                  .put("id", row.getUUID("source_id").toString()).put("status", row.getString("source_status")));
              return WorkflowRuns.startIn(conn, trigger.ownerId(), trigger.workflowId(), context,
                      new WorkflowRuns.Origin("on-complete", "on-complete " + kind + " " + row.getUUID("source_id"),
                          trigger.id(), row.getString("source_key")))
                  .compose(runId -> Templates.forUpdate(conn, TriggerSql.FIRED).execute(Map.of("id", trigger.id()))
                      .map(v -> {
                        log.info("workflow run started by an end trigger={} {}={} run={}", trigger.id(), kind,
                            row.getUUID("source_id"), runId);
                        return true;
                      }));
            }))
        .compose(fired -> fired ? fireEnded(handled + 1) : Future.succeededFuture(handled));
  }

  private Future<Integer> fireNext(Instant now, int handled) {
    if (handled >= BATCH) {
      return Future.succeededFuture(handled);
    }
    return pool.withTransaction(conn -> Templates.forQuery(conn, TriggerSql.LOCK_DUE_CRON).mapTo(WorkflowTrigger.MAPPER)
            .execute(Map.of("now", now.atOffset(ZoneOffset.UTC)))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture((UUID) null)
                : fireOne(conn, rows.iterator().next(), now)))
        .recover(failure -> failure instanceof SkippedDueTime skipped
            ? skip(skipped.trigger, now).map(skipped.trigger.id()) : Future.failedFuture(failure))
        .compose(fired -> fired == null ? Future.succeededFuture(handled) : fireNext(now, handled + 1));
  }

  /** Starts the run of a locked due trigger and moves it to its next due time. */
  private Future<UUID> fireOne(SqlConnection conn, WorkflowTrigger trigger, Instant now) {
    CronSchedule schedule = CronSchedule.parse(trigger.schedule(), trigger.timezone());
    Instant due = schedule.latest(trigger.nextRunAt().toInstant(), now);
    if (due == null) {
      due = trigger.nextRunAt().toInstant();
    }
    if ("skip".equals(trigger.missed()) && due.isBefore(now.minusSeconds(SKIP_AFTER_SECONDS))) {
      log.info("workflow schedule let a missed due time go trigger={} due={}", trigger.id(), due);
      return advance(conn, trigger, schedule.next(now), false).map(trigger.id());
    }
    String key = due.toString();
    Map<String, Object> byKey = Map.of("trigger_id", trigger.id(), "trigger_key", key);
    Instant dueTime = due;
    return Templates.forQuery(conn, TriggerSql.RUN_FOR_KEY).execute(byKey)
        .compose(earlier -> earlier.size() > 0 ? Future.succeededFuture(false)
            : WorkflowRuns.startIn(conn, trigger.ownerId(), trigger.workflowId(), trigger.context(),
                    new WorkflowRuns.Origin("cron", "cron " + trigger.schedule(), trigger.id(), key))
                .map(runId -> {
                  log.info("workflow run scheduled trigger={} due={} run={}", trigger.id(), dueTime, runId);
                  return true;
                })
                .recover(refused -> Future.failedFuture(refused instanceof ApiException api
                    ? new SkippedDueTime(trigger, api.getMessage()) : refused)))
        .compose(fired -> advance(conn, trigger, schedule.next(now), fired))
        .map(trigger.id());
  }

  /** Moves a schedule whose run was refused (e.g. its workflow has no steps) past this due time. */
  private Future<Void> skip(WorkflowTrigger trigger, Instant now) {
    log.warn("workflow schedule skipped a due time trigger={} workflow={}", trigger.id(), trigger.workflowId());
    return pool.withTransaction(conn -> Templates.forQuery(conn, TriggerSql.LOCK).execute(Map.of("id", trigger.id()))
        .compose(v -> advance(conn, trigger, CronSchedule.parse(trigger.schedule(), trigger.timezone()).next(now), false)));
  }

  private static Future<Void> advance(SqlConnection conn, WorkflowTrigger trigger, Instant next, boolean fired) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", trigger.id());
    params.put("next_run_at", next == null ? null : next.atOffset(ZoneOffset.UTC));
    params.put("fired", fired);
    return Templates.forUpdate(conn, TriggerSql.ADVANCE).execute(params).mapEmpty();
  }

  /** A due time whose run the workflow refused; its transaction rolls back and the schedule moves on. */
  private static final class SkippedDueTime extends RuntimeException {
    final transient WorkflowTrigger trigger;

    SkippedDueTime(WorkflowTrigger trigger, String why) {
      super(why, null, false, false);
      this.trigger = trigger;
    }
  }
}
