package dev.taskforge.queue;

import dev.taskforge.executors.ClaudeStreamParser;
import dev.taskforge.executors.ProcessRunner;
import dev.taskforge.logs.LogLevel;
import dev.taskforge.logs.LogSource;
import dev.taskforge.logs.NewLogLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's output lines go (from both reader threads at once): an agent's stream-json stdout
 * through the parser into agent log lines, watched against the job's budget; any other line
 * stored as it came, the last stdout lines kept as the summary of a plain process.
 */
final class RunOutput implements ProcessRunner.LineSink {
  // Stopping a run over budget is part of the job's story, which operators read under JobRunner's name.
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final int STDOUT_TAIL_LINES = 20;

  private final ClaimedJob job;
  private final String executorName;
  private final LogBuffer logs;
  private final Runnable cancel;
  private final ClaudeStreamParser parser;
  private final Optional<RunBudget> budget;
  private final AtomicReference<String> overBudget = new AtomicReference<>();
  private final List<String> stdoutTail = new ArrayList<>();

  /**
   * @param claudeStreamJson whether stdout is the agent's stream-json (parsed, and held to a budget)
   * @param cancel stops the run once it goes over its budget
   */
  RunOutput(ClaimedJob job, String executorName, boolean claudeStreamJson, LogBuffer logs, Runnable cancel) {
    this.job = job;
    this.executorName = executorName;
    this.logs = logs;
    this.cancel = cancel;
    this.parser = claudeStreamJson ? new ClaudeStreamParser() : null;
    this.budget = parser == null ? Optional.empty() : RunBudget.of(job.jobData());
  }

  @Override
  public void line(ProcessRunner.Stream stream, String text) {
    if (parser != null && stream == ProcessRunner.Stream.STDOUT) {
      agentLine(text);
    } else {
      plainLine(stream, text);
    }
  }

  private void agentLine(String text) {
    parser.accept(text).forEach(l -> logs.add(new NewLogLine(JobRunner.now(), LogLevel.valueOf(l.level()), LogSource.AGENT,
        l.message(), l.details(), executorName, l.operation(), l.correlationId())));
    budget.flatMap(b -> b.passedBy(parser)).ifPresent(why -> {
      if (overBudget.compareAndSet(null, why)) {
        log.info("job over budget, stopping it job={} execution={} reason={}", job.jobId(), job.executionId(), why);
        logs.add(new NewLogLine(JobRunner.now(), LogLevel.ERROR, LogSource.SYSTEM, "stopped: " + why, null, null, null, null));
        cancel.run();
      }
    });
  }

  private void plainLine(ProcessRunner.Stream stream, String text) {
    boolean stderr = stream == ProcessRunner.Stream.STDERR;
    logs.add(new NewLogLine(JobRunner.now(), stderr ? LogLevel.WARN : LogLevel.INFO, stderr ? LogSource.STDERR : LogSource.STDOUT,
        text, null, null, null, null));
    if (stream == ProcessRunner.Stream.STDOUT) {
      synchronized (stdoutTail) {
        stdoutTail.add(text);
        if (stdoutTail.size() > STDOUT_TAIL_LINES) {
          stdoutTail.remove(0);
        }
      }
    }
  }

  /** The agent's parsed stream, or null when stdout is not stream-json. */
  ClaudeStreamParser parser() {
    return parser;
  }

  /** Why the run was stopped for going over its budget, or null when it was not. */
  String overBudget() {
    return overBudget.get();
  }

  /** The last stdout lines of a plain process, joined: its summary when it succeeds. */
  String stdoutSummary() {
    synchronized (stdoutTail) {
      return String.join("\n", stdoutTail);
    }
  }
}
