package dev.taskforge.queue;

import dev.taskforge.db.Templates;
import dev.taskforge.executions.ExecutionRepository;
import dev.taskforge.executions.ExecutionStatus;
import dev.taskforge.executors.ClaudeStreamParser;
import dev.taskforge.executors.ExecutorCatalog;
import dev.taskforge.executors.OrphanProcesses;
import dev.taskforge.executors.OutputFiles;
import dev.taskforge.executors.ProcessRunner;
import dev.taskforge.executors.ProcessSandbox;
import dev.taskforge.logs.LogIngest;
import dev.taskforge.logs.LogLevel;
import dev.taskforge.logs.LogSource;
import dev.taskforge.logs.NewLogLine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job to its end. Blocking by nature (a process, its pipes): it runs on a worker
 * thread, never an event loop, and waits for database futures there.
 */
final class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
  /** When an agent reports a rate limit or an overload without saying when it resets. */
  static final Duration RATE_LIMIT_RETRY = Duration.ofMinutes(1);
  private static final int LOG_BATCH = 200;
  private static final long FLUSH_INTERVAL_MS = 250;

  private final Vertx vertx;
  private final Pool pool;
  private final Completer outcomes;
  private final ExecutorCatalog executors;
  private final ProcessSandbox sandbox;
  private final String worker;
  private final BooleanSupplier stopping;

  /**
   * @param stopping true once the server shuts down: a run killed by the shutdown records nothing,
   *     so the job stays leased and the next start of this instance requeues it (attempt LOST)
   */
  JobRunner(Vertx vertx, Pool pool, Completer outcomes, ExecutorCatalog executors, ProcessSandbox sandbox,
      String worker, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.pool = pool;
    this.outcomes = outcomes;
    this.executors = executors;
    this.sandbox = sandbox;
    this.worker = worker;
    this.stopping = stopping;
  }

  /**
   * Runs the job with {@code runner} (so a lost lease can cancel it) and hands its outcome to the
   * completer. Answers once the run is over, with the outcome's write still going on: true once
   * written, false when the lease was lost first; null when nothing is recorded (the server stops).
   */
  Future<Boolean> run(ClaimedJob job, ProcessRunner runner) {
    if (runsNoProcess(job)) {
      return runWithoutProcess(job, runner);
    }
    try {
      return runAndRecord(job, runner);
    } finally {
      runner.markFinished();
      sandbox.release(job.executionId(), false); // a run that ended without a recorded success
    }
  }

  /**
   * Whether the job's executor runs no process (the no-op executor): its run blocks on nothing and
   * opens no work directory, so the dispatcher runs it on its own event loop instead of a job
   * thread — the hop to a thread and back costs more than such a run, and runs that come back one by
   * one leave the slots to be refilled by smaller claims. Read from the configuration only.
   */
  boolean runsNoProcess(ClaimedJob job) {
    return executors.runsNoProcess(executorNamedBy(job));
  }

  /** The run of a job whose executor runs no process: its success, handed to the completer at once. */
  Future<Boolean> runWithoutProcess(ClaimedJob job, ProcessRunner runner) {
    runner.markFinished();
    return outcomes.complete(job, Outcomes.Success.reported("no-op executor " + executors.nameOf(executorNamedBy(job))
        + ": nothing run"), List.of());
  }

  /** The executor the job's data names, if any (the catalog's default runs it otherwise). */
  private static String executorNamedBy(ClaimedJob job) {
    return job.jobData() == null ? null : job.jobData().getString("executor");
  }

  private Future<Boolean> runAndRecord(ClaimedJob job, ProcessRunner runner) {
    ExecutorCatalog.Resolution resolution = executors.resolve(executorNamedBy(job));
    if (resolution.executor().isEmpty()) {
      runner.markFinished();
      log.warn("job refused job={} execution={} reason={}", job.jobId(), job.executionId(), resolution.problem());
      return outcomes.fail(job, Outcomes.Failure.forGood(resolution.problem(), "EXECUTOR_UNAVAILABLE"));
    }
    ExecutorCatalog.Executor executor = resolution.executor().get(); // one that runs a process (see run)
    String prompt = await(Templates.forQuery(pool, LeaseSql.PROMPT_OF).execute(Map.of("task_id", job.taskId())))
        .iterator().next().getString("prompt");
    await(new ExecutionRepository(pool).reportProgress(job.executionId(), ExecutionStatus.RUNNING, 0f));
    LogBuffer logs = new LogBuffer(vertx, job);
    Thread flusher = logs.startFlushing();
    ClaudeStreamParser parser = executor.claudeStreamJson() ? new ClaudeStreamParser() : null;
    Optional<RunBudget> budget = parser == null ? Optional.empty() : RunBudget.of(job.jobData());
    AtomicReference<String> overBudget = new AtomicReference<>();
    List<String> stdoutTail = new ArrayList<>();
    Path workDir = sandbox.workDir(job.executionId());
    Map<String, String> env = sandbox.environment(workDir, Map.of("TASKFORGE_TASK_ID", job.taskId().toString(),
        "TASKFORGE_EXECUTION_ID", job.executionId().toString(),
        "TASKFORGE_OUTPUT_DIR", sandbox.outputDir(job.executionId()).toString(),
        OrphanProcesses.WORKER_VARIABLE, worker), executor.passEnv());
    Duration timeout = job.timeoutSeconds() == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(job.timeoutSeconds());
    log.info("job started job={} execution={} attempt={} executor={}", job.jobId(), job.executionId(), job.attempt(),
        executor.name());
    try {
      // The process is told where to leave its files; the directory is there when it starts.
      sandbox.open(job.executionId());
    } catch (IOException e) {
      return outcomes.fail(job, Outcomes.Failure.retryable("the output directory could not be made: " + e.getMessage(),
          "WORKDIR_FAILED"));
    }
    ProcessRunner.Outcome outcome;
    Thread sampler = new ResourceSampling(pool, job, worker, runner::handle).start();
    try {
      outcome = runner.run(sandbox.command(executor.command().render(Map.of("prompt", prompt))), workDir, env, timeout,
          (stream, text) -> {
            if (parser != null && stream == ProcessRunner.Stream.STDOUT) {
              parser.accept(text).forEach(l -> logs.add(new NewLogLine(now(), LogLevel.valueOf(l.level()),
                  LogSource.AGENT, l.message(), l.details(), executor.name(), l.operation(), l.correlationId())));
              budget.flatMap(b -> b.passedBy(parser)).ifPresent(why -> {
                if (overBudget.compareAndSet(null, why)) {
                  log.info("job over budget, stopping it job={} execution={} reason={}", job.jobId(),
                      job.executionId(), why);
                  logs.add(new NewLogLine(now(), LogLevel.ERROR, LogSource.SYSTEM, "stopped: " + why, null, null,
                      null, null));
                  runner.cancel();
                }
              });
            } else {
              logs.add(new NewLogLine(now(), stream == ProcessRunner.Stream.STDERR ? LogLevel.WARN : LogLevel.INFO,
                  stream == ProcessRunner.Stream.STDERR ? LogSource.STDERR : LogSource.STDOUT, text, null, null, null,
                  null));
              if (stream == ProcessRunner.Stream.STDOUT) {
                synchronized (stdoutTail) {
                  stdoutTail.add(text);
                  if (stdoutTail.size() > 20) {
                    stdoutTail.remove(0);
                  }
                }
              }
            }
          });
    } catch (IOException e) {
      sampler.interrupt();
      flusher.interrupt();
      logs.flush();
      return outcomes.fail(job, Outcomes.Failure.forGood("executor " + executor.name() + " could not start: "
          + e.getMessage(), "EXECUTOR_START_FAILED"));
    } catch (InterruptedException e) {
      sampler.interrupt();
      flusher.interrupt();
      Thread.currentThread().interrupt();
      return null;
    }
    sampler.interrupt();
    flusher.interrupt();
    logs.flush();
    if (stopping.getAsBoolean()) {
      log.info("job left to the next start job={} execution={}", job.jobId(), job.executionId());
      return null;
    }
    runner.markFinished();
    // The output files are read while the outcome is handed over; the directory is done with after that.
    Future<Boolean> recorded = overBudget.get() != null
        ? outcomes.fail(job, leftBy(outcome, Outcomes.Failure.forGood(overBudget.get(), RunBudget.CODE)))
        : record(job, outcome, parser, stdoutTail);
    sandbox.release(job.executionId(), outcome.succeeded());
    return recorded.onSuccess(written -> {
      if (written) {
        log.info("job finished job={} execution={} exit={} timed_out={}", job.jobId(), job.executionId(),
            outcome.exitCode(), outcome.timedOut());
      } else {
        log.warn("job finished but its lease was lost before its outcome was written; another attempt records it"
            + " job={} execution={} exit={}", job.jobId(), job.executionId(), outcome.exitCode());
      }
    });
  }

  private Future<Boolean> record(ClaimedJob job, ProcessRunner.Outcome outcome, ClaudeStreamParser parser,
      List<String> stdoutTail) {
    String pid = Long.toString(outcome.pid());
    if (outcome.timedOut() || outcome.cancelled()) {
      // A cancel that came while a timed-out run was being killed still ends the job CANCELLED.
      FailureKind kind = outcome.cancelled() ? FailureKind.CANCELLED : FailureKind.TIMED_OUT;
      Outcomes.Failure stopped = outcome.timedOut() ? Outcomes.Failure.of(kind, "timed out", "TIMEOUT")
          : Outcomes.Failure.of(kind, "cancelled", "CANCELLED");
      return outcomes.fail(job, leftBy(outcome, stopped));
    }
    if (parser != null) {
      var result = parser.result();
      if (outcome.exitCode() == 0 && result.isPresent() && !result.get().isError()) {
        var r = result.get();
        return outcomes.complete(job, new Outcomes.Success(0, pid, r.summary(), r.sessionId(), r.tokensUsed(),
            r.inputTokens(), r.outputTokens(), r.cacheCreationTokens(), r.cacheReadTokens(), r.costUsd(),
            r.numTurns()), outputFiles(job));
      }
      var limited = parser.rateLimit();
      if (limited.isPresent()) {
        OffsetDateTime retryAt = limited.get().resetsAt() == null ? now().plus(RATE_LIMIT_RETRY)
            : limited.get().resetsAt().atOffset(ZoneOffset.UTC);
        return outcomes.fail(job, Outcomes.Failure.rateLimited(limited.get().reason() + "; retried at " + retryAt,
            outcome.exitCode(), retryAt));
      }
      String why = result.map(r -> "agent ended with " + r.subtype())
          .orElse("agent output ended without a result (exit code " + outcome.exitCode() + ")");
      return outcomes.fail(job, leftBy(outcome, Outcomes.Failure.retryable(why, "EXIT_" + outcome.exitCode())));
    }
    if (outcome.exitCode() == 0) {
      String summary;
      synchronized (stdoutTail) {
        summary = String.join("\n", stdoutTail);
      }
      return outcomes.complete(job, Outcomes.Success.exited(pid, summary), outputFiles(job));
    }
    String why = "exited with code " + outcome.exitCode()
        + (outcome.stderrTail().isEmpty() ? "" : ": " + lastLine(outcome.stderrTail()));
    return outcomes.fail(job, leftBy(outcome, Outcomes.Failure.retryable(why, "EXIT_" + outcome.exitCode())));
  }

  /** {@code failure} with what the process left: the tail of its stderr, kept as the stack trace, and its exit code. */
  private static Outcomes.Failure leftBy(ProcessRunner.Outcome outcome, Outcomes.Failure failure) {
    return failure.withStackTrace(outcome.stderrTail()).withExitCode(outcome.exitCode());
  }

  /** The files the run left in its output directory (read here, on the worker thread). */
  private List<Outcomes.OutputFile> outputFiles(ClaimedJob job) {
    try {
      return OutputFiles.collect(sandbox.outputDir(job.executionId()))
          .stream().map(f -> new Outcomes.OutputFile(f.path(), f.contentType(), f.content())).toList();
    } catch (IOException e) {
      log.warn("output files unreadable execution={}", job.executionId(), e);
      return List.of();
    }
  }

  private static String lastLine(String text) {
    int at = text.lastIndexOf('\n');
    return at < 0 ? text : text.substring(at + 1);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  /** As {@link #await}, but an interrupt does not stop the wait; it is kept for the caller to see. */
  static <T> T awaitUninterruptibly(Future<T> future) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (Exception e) {
          throw new IllegalStateException("database call failed: " + e.getMessage(), e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("database call failed: " + e.getMessage(), e);
    }
  }

  /**
   * Collects lines and hands them to log ingestion a batch at a time, waiting for each to be
   * stored: when ingestion is full the reader waits, the pipe fills and the process itself slows
   * down, so nothing is dropped.
   */
  private static final class LogBuffer {
    private final Vertx vertx;
    private final ClaimedJob job;
    private final List<NewLogLine> pending = new ArrayList<>();

    LogBuffer(Vertx vertx, ClaimedJob job) {
      this.vertx = vertx;
      this.job = job;
    }

    synchronized void add(NewLogLine line) {
      pending.add(line);
      if (pending.size() >= LOG_BATCH) {
        flush();
      }
    }

    /**
     * Flushes what arrived every quarter second, so watchers see a quiet process's lines live.
     * flush() is synchronized, so batches are stored in the order their lines came.
     */
    Thread startFlushing() {
      Thread t = new Thread(() -> {
        try {
          while (true) {
            Thread.sleep(FLUSH_INTERVAL_MS);
            flush();
          }
        } catch (InterruptedException e) {
          // the run ended; the runner does the last flush (an interrupt never cuts a flush short)
        } catch (RuntimeException e) {
          log.warn("log flush failed execution={}", job.executionId(), e);
        }
      }, "log-flush-" + job.executionId());
      t.setDaemon(true);
      t.start();
      return t;
    }

    /**
     * Stores what is pending. It waits for the answer even when interrupted: giving up on a batch
     * still in flight and sending its lines again would store them twice. It never throws, so
     * neither the reader handing it lines nor the end of a run stops on a batch that failed.
     */
    synchronized void flush() {
      if (pending.isEmpty()) {
        return;
      }
      List<NewLogLine> batch = List.copyOf(pending);
      while (true) {
        try {
          awaitUninterruptibly(LogIngest.send(vertx, job.executionId(), batch));
          break;
        } catch (IllegalStateException e) {
          if (!LogIngest.isQueueFull(e.getCause() == null ? null : e.getCause().getCause())) {
            // Refused, or its fate unknown: sent again it might be stored twice. The run goes on without it.
            log.warn("log lines not stored execution={} lines={}", job.executionId(), batch.size(), e);
            break;
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
      }
      pending.clear();
    }
  }
}
