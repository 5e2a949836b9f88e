package dev.taskforge.queue;

import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.Pools;
import dev.taskforge.executors.ExecutorCatalog;
import dev.taskforge.executors.OrphanProcesses;
import dev.taskforge.executors.ProcessRunner;
import dev.taskforge.executors.ProcessSandbox;
import dev.taskforge.executors.SandboxSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue dispatch: wakes on NOTIFY (any instance's new job) or a slow poll, claims as many jobs as
 * it has free slots, runs each on a worker thread, heartbeats their leases, and reaps jobs whose
 * lease expired anywhere. At start it takes back every job its previous life still held.
 */
public final class DispatchVerticle extends VerticleBase {
  /** Answers whether the dispatcher runs, and how busy it is (the readiness check asks). */
  public static final String HEALTH = "taskforge.health.dispatcher";
  private static final Logger log = LoggerFactory.getLogger(DispatchVerticle.class);
  /** Runs over whose outcomes are not written yet, past which no more jobs are claimed. */
  private static final int MAX_UNRECORDED = 4 * Completer.MAX_BATCH;
  /** How often failed runs' kept work directories are looked at, to remove those whose time is up. */
  private static final long SWEEP_INTERVAL_MS = TimeUnit.MINUTES.toMillis(10);
  /**
   * Claims asked of the database at once. A claim is a round trip and a commit: with one at a
   * time, slots freed while it is under way wait for it, and short jobs are bound by the commit's
   * latency rather than by the database's work. A few in flight overlap those waits (PostgreSQL
   * flushes their commits together); SKIP LOCKED keeps them from ever taking the same job.
   */
  private static final int MAX_CLAIMS_IN_FLIGHT = 3;

  private Pool pool;
  private PgSubscriber subscriber;
  private Leases leases;
  private JobRunner runner;
  private Completer completer;
  /**
   * Jobs run on threads of their own, never on Vert.x's shared worker pool: a job may wait hours
   * for its process, and the rest of the server (request validation, password hashing) must not
   * wait behind it.
   */
  private WorkerExecutor jobThreads;
  private String worker;
  private List<String> queues;
  private int concurrency;
  private final Map<Long, ProcessRunner> running = new ConcurrentHashMap<>();
  /** Jobs whose run is over and whose outcome is being written: their leases are kept until it is. */
  private final Set<Long> recording = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;
  /** Claims under way, and the slots they asked jobs for (not yet in {@code running}). */
  private int claimsInFlight;
  private int slotsAsked;
  private ClaimSigns signs;
  private boolean wakeScheduled;
  private long pollTimer = -1;
  private long heartbeatTimer = -1;
  private long reapTimer = -1;
  private long sweepTimer = -1;

  @Override
  public Future<?> start() {
    JsonObject queue = config().getJsonObject("queue", new JsonObject());
    DatabaseUrl url = Pools.urlFrom(config());
    pool = Pools.createForFixedStatements(vertx, url, Pools.sizeFrom(config()), "dispatch");
    worker = config().getString("instanceId", "taskforge");
    queues = queue.getJsonArray("queues", new JsonArray().add("default")).stream().map(String.class::cast).toList();
    concurrency = queue.getInteger("concurrency", 4);
    Duration lease = Duration.ofSeconds(queue.getInteger("leaseSeconds", 30));
    jobThreads = vertx.createSharedWorkerExecutor("taskforge-jobs-" + deploymentID(), concurrency, 7, TimeUnit.DAYS);
    QueueLimits limits = QueueLimits.from(queue);
    leases = new Leases(pool, lease, limits);
    signs = new ClaimSigns(queues.stream().anyMatch(limits.names()::contains));
    completer = new Completer(vertx, context, new Outcomes(pool), worker);
    JsonObject executors = config().getJsonObject("executors", new JsonObject());
    SandboxSettings sandboxSettings = SandboxSettings.from(executors, Path.of(config().getString("dataDir", "./data")));
    subscriber = PgSubscriber.subscriber(vertx, url.connectOptions()).reconnectPolicy(attempts -> 1000L);
    subscriber.channel(Enqueuer.CHANNEL).handler(payload -> signalled()).subscribeHandler(v -> signalled());
    subscriber.channel(Cancellation.CHANNEL).handler(this::cancelIfRunningHere);
    // Without its LISTEN the dispatcher still claims, by its poll: it stays UP and says it is not listening.
    vertx.eventBus().<JsonObject>localConsumer(HEALTH, m -> m.reply(new JsonObject()
        .put("status", stopping || subscriber.closed() ? "DOWN" : "UP").put("worker", worker)
        .put("listening", subscriber.actualConnection() != null)
        .put("running", running.size()).put("concurrency", concurrency).put("queues", new JsonArray(queues))));
    // Processes a SIGKILLed previous life left running are killed before their jobs are taken back
    // and run again, so no agent works twice on the same task.
    return vertx.executeBlocking(() -> OrphanProcesses.killLeftBy(worker), false)
        .onSuccess(killed -> {
          if (!killed.isEmpty()) {
            log.warn("killed processes left running by this instance's previous run worker={} pids={}", worker, killed);
          }
        })
        .compose(killed -> leases.releaseAllOf(worker))
        .onSuccess(released -> {
          if (released.requeued() + released.failed() > 0) {
            log.info("jobs of this instance's previous run released worker={} requeued={} failed={}", worker,
                released.requeued(), released.failed());
          }
        })
        .compose(v -> vertx.executeBlocking(() -> ProcessSandbox.prepare(sandboxSettings), false))
        .onSuccess(sandbox -> {
          runner = new JobRunner(vertx, pool, completer, new ExecutorCatalog(executors), sandbox, worker,
              () -> stopping);
          sweepTimer = vertx.setPeriodic(1, SWEEP_INTERVAL_MS,
              id -> vertx.executeBlocking(sandbox::sweep, false).onSuccess(removed -> {
                if (removed > 0) {
                  log.info("kept work directories removed count={}", removed);
                }
              }));
        })
        .compose(v -> subscriber.connect())
        .onSuccess(v -> {
          pollTimer = vertx.setPeriodic(queue.getInteger("pollIntervalMs", 2000), id -> signalled());
          heartbeatTimer = vertx.setPeriodic(Math.max(1000, lease.toMillis() / 3), id -> heartbeat());
          // The reaper serves external workers' leases too: it runs at half the shorter of the two.
          long shortest = Math.min(lease.toMillis(), WorkerRoutes.leaseOf(queue).toMillis());
          reapTimer = vertx.setPeriodic(Math.max(1000, shortest / 2), id -> reap());
          wake();
          log.info("dispatcher started worker={} queues={} concurrency={} limits={} deployment={}", worker, queues,
              concurrency, QueueLimits.from(queue), deploymentID());
        });
  }

  /** A sign that jobs may wait ({@link ClaimSigns}): claims for the free slots. */
  private void signalled() {
    signs.signal();
    wake();
  }

  /**
   * Claims for the free slots no claim under way has asked for, while {@link ClaimSigns} says jobs
   * may wait; every answer wakes again, which claims only if that still holds.
   */
  private void wake() {
    if (stopping || !signs.standing() || claimsInFlight >= MAX_CLAIMS_IN_FLIGHT) {
      return;
    }
    int free = concurrency - running.size() - slotsAsked;
    if (free <= 0 || completer.backlog() >= MAX_UNRECORDED) {
      return;
    }
    long begun = signs.claimBegins();
    claimsInFlight++;
    slotsAsked += free;
    Future<Integer> claimedCount = leases.claimRound(queues, worker, free, null, jobs -> jobs.forEach(this::start));
    claimedCount.onComplete(ar -> {
      claimsInFlight--;
      slotsAsked -= free;
      if (ar.failed()) {
        log.warn("claim failed worker={}", worker, ar.cause());
      } else {
        signs.answered(begun, free, ar.result());
      }
      wake();
    });
  }

  /**
   * Wakes once runs that end together have all freed their slots: short jobs claimed together end
   * together, and one claim then fills every slot instead of one claim per slot. With half the
   * slots or more free it wakes after the events already queued on this event loop; with fewer,
   * a millisecond later, which lets the others' ends arrive.
   */
  private void wakeSoon() {
    if (wakeScheduled) {
      return;
    }
    wakeScheduled = true;
    if (2 * (concurrency - running.size()) >= concurrency) {
      context.runOnContext(v -> wakeNow());
    } else {
      vertx.setTimer(1, id -> wakeNow());
    }
  }

  private void wakeNow() {
    wakeScheduled = false;
    wake();
  }

  /**
   * Runs the job on a thread of its own. Its slot is free the moment the run is over; its lease is
   * kept (heartbeated) until the completer has written the outcome.
   */
  private void start(ClaimedJob job) {
    ProcessRunner process = new ProcessRunner();
    running.put(job.jobId(), process);
    // A run that starts no process waits for nothing: it needs no thread of its own (see JobRunner).
    Future<Future<Boolean>> ran = runner.runsNoProcess(job)
        ? Future.succeededFuture(runner.runWithoutProcess(job, process))
        : jobThreads.executeBlocking(() -> runner.run(job, process), false);
    ran.onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        recording.add(job.jobId());
        ar.result().onComplete(written -> {
          recording.remove(job.jobId());
          if (written.failed()) {
            log.error("outcome not recorded job={} execution={}", job.jobId(), job.executionId(), written.cause());
          }
          wake();
        });
      }
      running.remove(job.jobId());
      if (ar.failed()) {
        log.error("job runner failed job={} execution={}", job.jobId(), job.executionId(), ar.cause());
      }
      wakeSoon();
    });
  }

  /** A cancel request for a job: only the instance running it acts (the others do not hold it). */
  private void cancelIfRunningHere(String jobId) {
    try {
      ProcessRunner process = running.get(Long.parseLong(jobId.trim()));
      if (process != null) {
        log.info("cancelling job={} worker={}", jobId, worker);
        process.cancel();
      }
    } catch (NumberFormatException e) {
      log.warn("ignored a malformed cancel notification payload={}", jobId);
    }
  }

  /**
   * Keeps the leases of running jobs and of those whose outcome is being written, in one
   * statement. A lease lost by a job still running cancels its process, and so does a cancel
   * requested in the database (the NOTIFY that announced it may have been missed, e.g. during a
   * reconnect); a job whose outcome was written meanwhile has released its lease itself, which is
   * no alarm.
   */
  private void heartbeat() {
    Set<Long> held = new HashSet<>(running.keySet());
    held.addAll(recording);
    if (held.isEmpty()) {
      return;
    }
    leases.heartbeatAll(held, worker).onSuccess(beat -> held.forEach(jobId -> {
      ProcessRunner process = running.get(jobId);
      if (process == null || process.finished()) {
        return; // its outcome is being written, and says itself whether it still held its lease
      }
      if (!beat.held().contains(jobId)) {
        log.warn("lease lost; cancelling job={} worker={}", jobId, worker);
        process.cancel();
      } else if (beat.cancelRequested().contains(jobId)) {
        log.info("cancel requested; stopping job={} worker={}", jobId, worker);
        process.cancel();
      }
    }));
  }

  private void reap() {
    leases.reapExpired().onSuccess(r -> {
      if (r.requeued() + r.failed() > 0) {
        log.info("expired leases reaped requeued={} failed={}", r.requeued(), r.failed());
        signalled();
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(reapTimer);
    vertx.cancelTimer(sweepTimer);
    running.values().forEach(ProcessRunner::cancel);
    // Outcomes already handed over are written before the pool closes (a few seconds at most).
    return completer.close(Duration.ofSeconds(5)).eventually(() -> subscriber.close())
        .eventually(() -> pool.close()).eventually(() -> jobThreads.close())
        .onComplete(ar -> log.info("dispatcher stopped worker={} deployment={}", worker, deploymentID()));
  }
}
