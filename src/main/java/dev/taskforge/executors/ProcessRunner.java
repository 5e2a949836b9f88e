package dev.taskforge.executors;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one executor process to its end, on the calling (worker) thread: never call it from an
 * event loop. Each stdout and stderr line goes to the {@link LineSink} as it arrives (cut into
 * pieces past {@value BoundedLineReader#MAX_LINE_BYTES} bytes, NULs replaced); a timeout or
 * a cancel kills the whole process tree (children first), so nothing the agent started lingers.
 */
public final class ProcessRunner {
  /** Receives output lines as they are read (from two reader threads at once). */
  public interface LineSink {
    void line(Stream stream, String text);
  }

  /** Which output a line came from. */
  public enum Stream { STDOUT, STDERR }

  /** How a run ended; {@code stderrTail} keeps the last lines for the error of a failed attempt. */
  public record Outcome(int exitCode, boolean timedOut, boolean cancelled, long pid, String stderrTail) {
    public boolean succeeded() {
      return exitCode == 0 && !timedOut && !cancelled;
    }
  }

  static final int STDERR_TAIL_LINES = 40;
  private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);

  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile boolean finished;
  private volatile Process process;

  /**
   * Starts {@code argv} in {@code workDir} with {@code environment} as its whole environment (it
   * inherits nothing of the server's, see {@link ProcessSandbox#environment}), and waits for it.
   *
   * @throws IOException when the program cannot be started (not installed, not executable)
   */
  public Outcome run(List<String> argv, Path workDir, Map<String, String> environment, Duration timeout,
      LineSink sink) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process started = builder.start();
    process = started;
    if (cancelled.get()) {
      killTree(started);
    }
    Deque<String> stderrTail = new ArrayDeque<>();
    Thread out = reader(started.getInputStream(), Stream.STDOUT, sink, null);
    Thread err = reader(started.getErrorStream(), Stream.STDERR, sink, stderrTail);
    boolean finished = started.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      killTree(started);
      started.waitFor();
    }
    out.join(TimeUnit.SECONDS.toMillis(10));
    err.join(TimeUnit.SECONDS.toMillis(10));
    String tail;
    synchronized (stderrTail) {
      tail = String.join("\n", stderrTail);
    }
    return new Outcome(started.exitValue(), !finished, cancelled.get(), started.pid(), tail);
  }

  /** Says the run is over and its outcome is being recorded: a lease found released now is no alarm. */
  public void markFinished() {
    finished = true;
  }

  public boolean finished() {
    return finished;
  }

  /** The process while it runs (empty before it started), e.g. to sample its resource use. */
  public Optional<ProcessHandle> handle() {
    Process running = process;
    return running == null ? Optional.empty() : Optional.of(running.toHandle());
  }

  /** Kills the running process tree (or the one about to start); the run then ends cancelled. */
  public void cancel() {
    cancelled.set(true);
    Process running = process;
    if (running != null) {
      killTree(running);
    }
  }

  private static void killTree(Process root) {
    root.descendants().forEach(ProcessHandle::destroyForcibly);
    root.destroyForcibly();
  }

  /**
   * Reads one stream to its end, whatever happens to its lines: a line the sink fails on is
   * counted and skipped, never the end of reading, because a reader that stopped would leave the
   * process blocked on a full pipe until its timeout.
   */
  private static Thread reader(InputStream in, Stream stream, LineSink sink, Deque<String> tail) {
    Thread t = new Thread(() -> {
      long failed = 0;
      try (in) {
        BoundedLineReader lines = new BoundedLineReader(in);
        for (String line = lines.next(); line != null; line = lines.next()) {
          keep(tail, line);
          try {
            sink.line(stream, line);
          } catch (RuntimeException | LinkageError | AssertionError e) {
            if (failed++ == 0) {
              log.warn("output line not handed on stream={}; reading goes on", stream, e);
            }
          }
        }
      } catch (IOException e) {
        // the process was killed and its pipe closed: nothing more to read
      }
      if (failed > 0) {
        log.warn("output lines not handed on stream={} lines={}", stream, failed);
      }
    }, "executor-" + stream.name().toLowerCase());
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void keep(Deque<String> tail, String line) {
    if (tail == null) {
      return;
    }
    synchronized (tail) {
      tail.addLast(line);
      if (tail.size() > STDERR_TAIL_LINES) {
        tail.removeFirst();
      }
    }
  }
}
