package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Who holds which job: claiming jobs in queue order, keeping them by heartbeat, and taking them
 * back from workers (or instances) that stopped heartbeating.
 */
public final class Leases {
  /** What reaping did: jobs back in the queue, and jobs ended for good (failed, or cancelled as requested). */
  public record Reaped(int requeued, int failed) {}

  /** What a heartbeat found: the jobs still held, and among them those whose cancel was requested. */
  public record Beat(Set<Long> held, Set<Long> cancelRequested) {}

  /** Claim statements run in this process, for tests of how often claimers ask the database. */
  private static final LongAdder CLAIM_STATEMENTS = new LongAdder();

  private final Pool pool;
  private final Duration lease;
  private final QueueLimits limits;

  public Leases(Pool pool, Duration lease) {
    this(pool, lease, QueueLimits.none());
  }

  public Leases(Pool pool, Duration lease, QueueLimits limits) {
    this.pool = pool;
    this.lease = lease;
    this.limits = limits;
  }

  /**
   * One claim round: up to {@code max} jobs from {@code queues} in turn (of {@code ownerId}'s
   * tasks, or anyone's when null), each queue's jobs handed to {@code claimed} as they come. A
   * paused queue gives nothing: the claim statement itself looks at queue_pauses, so a claim that
   * begins after a pause committed takes none of its jobs.
   */
  public Future<Integer> claimRound(List<String> queues, String worker, int max, UUID ownerId,
      Consumer<List<ClaimedJob>> claimed) {
    Future<Integer> count = Future.succeededFuture(0);
    for (String queue : queues) {
      count = count.compose(sum -> sum >= max ? Future.succeededFuture(sum)
          : claim(queue, worker, max - sum, ownerId).map(jobs -> {
            claimed.accept(jobs);
            return sum + jobs.size();
          }));
    }
    return count;
  }

  /** Claims up to {@code max} jobs of {@code queue} for {@code worker}, in queue position order. */
  public Future<List<ClaimedJob>> claim(String queue, String worker, int max) {
    return claim(queue, worker, max, null);
  }

  /**
   * As {@link #claim(String, String, int)}, but only jobs of tasks {@code ownerId} owns (null: any).
   * A queue with a concurrency limit is claimed under a lock of its own, so that all claimers
   * together never run more of its jobs than the limit; while another claimer holds that lock,
   * nothing is claimed now (the claimer that holds it takes what there is room for).
   */
  public Future<List<ClaimedJob>> claim(String queue, String worker, int max, UUID ownerId) {
    OptionalInt limit = limits.of(queue);
    Optional<RateLimit> rate = limits.rateOf(queue);
    if (limit.isEmpty() && rate.isEmpty()) {
      return claim(pool, queue, worker, max, ownerId);
    }
    Map<String, Object> byQueue = Map.of("queue", queue);
    return pool.withTransaction(conn -> Templates.forQuery(conn, LeaseSql.LOCK_QUEUE).execute(byQueue)
        .compose(lock -> !lock.iterator().next().getBoolean("locked") ? Future.succeededFuture(0)
            : room(conn, queue, limit, rate))
        .compose(room -> room <= 0 ? Future.succeededFuture(List.<ClaimedJob>of())
            : claim(conn, queue, worker, Math.min(max, room), ownerId)));
  }

  /**
   * How many more jobs of a limited queue may start now, read under its lock: what its concurrency
   * limit leaves beside the jobs running, and what its rate limit leaves beside the jobs started
   * within the window. A job the rate holds back stays AVAILABLE in its place.
   */
  private static Future<Integer> room(SqlConnection conn, String queue,
      OptionalInt limit, Optional<RateLimit> rate) {
    Future<Integer> byConcurrency = limit.isEmpty() ? Future.succeededFuture(Integer.MAX_VALUE)
        : Templates.forQuery(conn, LeaseSql.RUNNING_IN_QUEUE).execute(Map.of("queue", queue))
            .map(rows -> limit.getAsInt() - rows.iterator().next().getInteger("running"));
    return byConcurrency.compose(room -> room <= 0 || rate.isEmpty() ? Future.succeededFuture(room)
        : Templates.forQuery(conn, LeaseSql.STARTED_IN_WINDOW)
            .execute(Map.of("queue", queue, "window_seconds", rate.get().window().toMillis() / 1000.0))
            .map(rows -> Math.min(room, rate.get().jobs() - rows.iterator().next().getInteger("started"))));
  }

  private Future<List<ClaimedJob>> claim(SqlClient client, String queue, String worker, int max,
      UUID ownerId) {
    Map<String, Object> params = new HashMap<>();
    params.put("queue", queue);
    params.put("worker", worker);
    params.put("max", max);
    params.put("lease_seconds", lease.toMillis() / 1000.0);
    params.put("owner_id", ownerId);
    CLAIM_STATEMENTS.increment();
    return Templates.forQuery(client, LeaseSql.CLAIM).execute(params).map(rows -> {
      List<ClaimedJob> jobs = new ArrayList<>();
      for (Row row : rows) {
        ClaimedJob job = claimed(row);
        Telemetry.jobClaimed(job.queueName(),
            Duration.ofNanos((long) (Math.max(0, row.getDouble("waited_seconds")) * 1e9)));
        jobs.add(job);
      }
      return jobs;
    });
  }

  static long claimStatements() {
    return CLAIM_STATEMENTS.sum();
  }

  /** The job behind {@code executionId}, if {@code worker} holds it now. */
  public Future<Optional<ClaimedJob>> held(UUID executionId, String worker) {
    return Templates.forQuery(pool, LeaseSql.HELD).mapTo(Leases::claimed)
        .execute(Map.of("execution_id", executionId, "worker", worker)).map(Rows::first);
  }

  private static ClaimedJob claimed(Row row) {
    return new ClaimedJob(row.getLong("job_id"), row.getUUID("task_id"), row.getUUID("execution_id"),
        row.getString("queue_name"), row.getInteger("attempt"), row.getInteger("max_attempts"),
        row.getInteger("timeout_seconds"), Rows.object(row, "job_data"), row.getOffsetDateTime("lease_expires_at"));
  }

  /** Extends the lease; what it answers says whether {@code worker} still holds the job and should go on. */
  public Future<Beat> heartbeat(long jobId, String worker) {
    return heartbeatAll(List.of(jobId), worker);
  }

  /** Extends the leases {@code worker} holds among {@code jobIds}. */
  public Future<Beat> heartbeatAll(Collection<Long> jobIds, String worker) {
    return Templates.forQuery(pool, LeaseSql.HEARTBEAT_MANY)
        .execute(Map.of("job_ids", jobIds.toArray(Long[]::new), "worker", worker,
            "lease_seconds", lease.toMillis() / 1000.0))
        .map(rows -> {
          Set<Long> held = new HashSet<>();
          Set<Long> cancelRequested = new HashSet<>();
          rows.forEach(row -> {
            held.add(row.getLong("id"));
            if (row.getBoolean("cancel_requested")) {
              cancelRequested.add(row.getLong("id"));
            }
          });
          return new Beat(held, cancelRequested);
        });
  }

  /**
   * Gives back jobs {@code worker} claimed but never received (its client went away before the
   * answer): back in their place, the attempt ended LOST without counting against the job.
   */
  public Future<Integer> giveBack(Collection<Long> jobIds, String worker) {
    return Templates.forQuery(pool, LeaseSql.GIVE_BACK)
        .execute(Map.of("job_ids", jobIds.toArray(Long[]::new), "worker", worker,
            "reason", "the worker went away before receiving it"))
        .map(rows -> rows.size());
  }

  /** Takes back every job whose lease expired. */
  public Future<Reaped> reapExpired() {
    return reap(null, "lease expired: the worker stopped heartbeating");
  }

  /** Takes back every job {@code owner} held, at once: an instance restarting under the same name. */
  public Future<Reaped> releaseAllOf(String owner) {
    return reap(owner, "released: its worker restarted");
  }

  /** One transaction: the jobs taken back, and for those that failed for good, their dependents. */
  private Future<Reaped> reap(String owner, String reason) {
    Map<String, Object> params = new HashMap<>();
    params.put("released_owner", owner);
    params.put("reason", reason);
    return pool.withTransaction(conn -> Templates.forQuery(conn, LeaseSql.REAP).execute(params).compose(rows -> {
      int requeued = 0;
      List<Row> ended = new ArrayList<>();
      for (Row row : rows) {
        if ("AVAILABLE".equals(row.getString("status"))) {
          requeued++;
        } else {
          ended.add(row);
        }
      }
      Future<Integer> released = Future.succeededFuture(0);
      for (Row row : ended) {
        String how = "CANCELLED".equals(row.getString("status")) ? "was cancelled" : "failed";
        released = released.compose(n -> DependencyRelease.ended(conn, row.getUUID("task_id"), how));
      }
      int back = requeued;
      return released.map(n -> new Reaped(back, ended.size()));
    }));
  }
}
