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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

  /** Resolves the executor, prepares the run, opens its directory, runs the process and records the end. */
  private Future<Boolean> runAndRecord(ClaimedJob job, ProcessRunner runner) {
    ExecutorCatalog.Resolution resolution = executors.resolve(executorNamedBy(job));
    if (resolution.executor().isEmpty()) {
      return refuse(job, runner, resolution.problem());
    }
    PreparedRun run = prepare(job, runner, resolution.executor().get()); // one that runs a process (see run)
    Optional<String> noDirectory = openWorkDir(job, run);
    if (noDirectory.isPresent()) {
      return outcomes.fail(job, Outcomes.Failure.retryable(noDirectory.get(), "WORKDIR_FAILED"));
    }
    return runProcess(job, runner, run);
  }

  /**
   * Makes the run's directory before its process starts (the process is told where to leave its
   * files); what went wrong when it cannot be made, the run's log then closed.
   */
  private Optional<String> openWorkDir(ClaimedJob job, PreparedRun run) {
    try {
      sandbox.open(job.executionId());
      return Optional.empty();
    } catch (IOException e) {
      run.flusher().interrupt(); // no process will write: the flusher would otherwise wake for ever
      run.logs().flush();
      return Optional.of("the output directory could not be made: " + e.getMessage());
    }
  }

  /**
   * Runs the process with its resources sampled, then hands its end to the completer; records
   * nothing when the server stops meanwhile (the next start of this instance requeues the job).
   */
  private Future<Boolean> runProcess(ClaimedJob job, ProcessRunner runner, PreparedRun run) {
    ProcessRunner.Outcome outcome;
    Thread sampler = new ResourceSampling(pool, job, worker, runner::handle).start();
    try {
      outcome = runner.run(run.command(), run.workDir(), run.env(), run.timeout(), run.output());
    } catch (IOException e) {
      stopWatching(sampler, run);
      run.logs().flush();
      return outcomes.fail(job, Outcomes.Failure.forGood("executor " + run.executor().name() + " could not start: "
          + e.getMessage(), "EXECUTOR_START_FAILED"));
    } catch (InterruptedException e) {
      stopWatching(sampler, run);
      Thread.currentThread().interrupt();
      return null;
    }
    stopWatching(sampler, run);
    run.logs().flush();
    if (stopping.getAsBoolean()) {
      log.info("job left to the next start job={} execution={}", job.jobId(), job.executionId());
      return null;
    }
    runner.markFinished();
    return recordAndRelease(job, outcome, run.output());
  }

  /** A job whose executor cannot run: failed for good, nothing started. */
  private Future<Boolean> refuse(ClaimedJob job, ProcessRunner runner, String problem) {
    runner.markFinished();
    log.warn("job refused job={} execution={} reason={}", job.jobId(), job.executionId(), problem);
    return outcomes.fail(job, Outcomes.Failure.forGood(problem, "EXECUTOR_UNAVAILABLE"));
  }

  /** What a run needs before its process starts, its log lines already flushed as they come. */
  private record PreparedRun(ExecutorCatalog.Executor executor, List<String> command, LogBuffer logs, Thread flusher,
      RunOutput output, Path workDir, Map<String, String> env, Duration timeout) {}

  /**
   * Reads the prompt, marks the execution RUNNING, starts the log flusher and builds the process's
   * command, environment and time limit.
   */
  private PreparedRun prepare(ClaimedJob job, ProcessRunner runner, ExecutorCatalog.Executor executor) {
    String prompt = await(Templates.forQuery(pool, LeaseSql.PROMPT_OF).execute(Map.of("task_id", job.taskId())))
        .iterator().next().getString("prompt");
    await(new ExecutionRepository(pool).reportProgress(job.executionId(), ExecutionStatus.RUNNING, 0f));
    LogBuffer logs = new LogBuffer(vertx, job);
    Thread flusher = logs.startFlushing();
    RunOutput output = new RunOutput(job, executor.name(), executor.claudeStreamJson(), logs, runner::cancel);
    Path workDir = sandbox.workDir(job.executionId());
    Map<String, String> env = sandbox.environment(workDir, Map.of("TASKFORGE_TASK_ID", job.taskId().toString(),
        "TASKFORGE_EXECUTION_ID", job.executionId().toString(),
        "TASKFORGE_OUTPUT_DIR", sandbox.outputDir(job.executionId()).toString(),
        OrphanProcesses.WORKER_VARIABLE, worker), executor.passEnv());
    Duration timeout = job.timeoutSeconds() == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(job.timeoutSeconds());
    log.info("job started job={} execution={} attempt={} executor={}", job.jobId(), job.executionId(), job.attempt(),
        executor.name());
    List<String> command = sandbox.command(executor.command().render(Map.of("prompt", prompt)));
    return new PreparedRun(executor, command, logs, flusher, output, workDir, env, timeout);
  }

  private static void stopWatching(Thread sampler, PreparedRun run) {
    sampler.interrupt();
    run.flusher().interrupt();
  }

  /**
   * Hands the run's outcome to the completer, then releases its directory: the output files are
   * read while the outcome is handed over, the directory is done with after that.
   */
  private Future<Boolean> recordAndRelease(ClaimedJob job, ProcessRunner.Outcome outcome, RunOutput output) {
    Future<Boolean> recorded = output.overBudget() != null
        ? outcomes.fail(job, leftBy(outcome, Outcomes.Failure.forGood(output.overBudget(), RunBudget.CODE)))
        : record(job, outcome, output);
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

  private Future<Boolean> record(ClaimedJob job, ProcessRunner.Outcome outcome, RunOutput output) {
    ClaudeStreamParser parser = output.parser();
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
      return outcomes.complete(job, Outcomes.Success.exited(pid, output.stdoutSummary()), outputFiles(job));
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

  /** Now, in UTC: when a run's log lines and retries are stamped. */
  static OffsetDateTime now() {
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
}
