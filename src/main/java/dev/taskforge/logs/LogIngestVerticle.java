package dev.taskforge.logs;

import dev.taskforge.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log ingestion. Every producer (the built-in executor, the external workers' API) sends its
 * lines here as {@link LogBatch}es on {@value #ADDRESS}; they are gathered for a few milliseconds or
 * a few hundred lines and written together: one transaction gives each execution's lines their
 * next gapless sequence numbers (the execution rows are locked, in id order, until commit, so two
 * instances ingesting for one execution still number 1, 2, 3...), stores all of them with one
 * statement and, at commit, NOTIFYs {@code taskforge_logs} with where each execution's log now
 * ends. Each sender is answered with its batch's last seq once it is stored.
 *
 * <p>One flush runs at a time, so lines keep the order they were sent in; what arrives during a
 * flush makes the next, larger batch. Past {@code logs.maxQueuedLines} waiting lines a batch is
 * refused with failure code {@value #QUEUE_FULL} (the API turns it into 503 + Retry-After) rather
 * than memory growing without bound.
 */
public final class LogIngestVerticle extends VerticleBase {
  public static final String ADDRESS = "taskforge.logs.ingest";
  public static final String CHANNEL = "taskforge_logs";
  public static final int QUEUE_FULL = 503;
  static final int MAX_MESSAGE_CHARS = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(LogIngestVerticle.class);

  private record Pending(LogBatch batch, Promise<Long> stored) {}

  private Pool pool;
  private MessageConsumer<LogBatch> consumer;
  private final Deque<Pending> queue = new ArrayDeque<>();
  private int queuedLines;
  private int batchMaxLines;
  private long batchMaxDelayMs;
  private int maxQueuedLines;
  private long timer = -1;
  private boolean flushing;

  @Override
  public Future<?> start() {
    JsonObject logs = config().getJsonObject("logs", new JsonObject());
    batchMaxLines = logs.getInteger("batchMaxLines", 500);
    batchMaxDelayMs = logs.getLong("batchMaxDelayMs", 5L);
    maxQueuedLines = logs.getInteger("maxQueuedLines", 100_000);
    pool = Pools.create(vertx, Pools.urlFrom(config()), Pools.sizeFrom(config()), "log-ingest");
    LogBatch.registerCodec(vertx.eventBus());
    consumer = vertx.eventBus().<LogBatch>localConsumer(ADDRESS, this::accept);
    return consumer.completion()
        .onSuccess(v -> log.info("log ingestion started batchMaxLines={} batchMaxDelayMs={} maxQueuedLines={} "
            + "deployment={}", batchMaxLines, batchMaxDelayMs, maxQueuedLines, deploymentID()));
  }

  private void accept(Message<LogBatch> message) {
    LogBatch batch = message.body();
    if (batch.lines().isEmpty()) {
      message.fail(400, "an empty batch");
      return;
    }
    if (queuedLines + batch.lines().size() > maxQueuedLines) {
      message.fail(QUEUE_FULL, "log ingestion is full (" + queuedLines + " lines waiting); retry shortly");
      return;
    }
    Promise<Long> stored = Promise.promise();
    stored.future().onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        message.fail(ReplyFailure.RECIPIENT_FAILURE.toInt(), ar.cause().getMessage());
      }
    });
    queue.add(new Pending(batch, stored));
    queuedLines += batch.lines().size();
    if (queuedLines >= batchMaxLines) {
      flush();
    } else if (timer < 0 && !flushing) {
      timer = vertx.setTimer(Math.max(1, batchMaxDelayMs), id -> {
        timer = -1;
        flush();
      });
    }
  }

  private void flush() {
    if (flushing || queue.isEmpty()) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    flushing = true;
    List<Pending> taken = new ArrayList<>();
    int lines = 0;
    // One flush takes a bounded number of lines (at least one batch), so a statement stays sane.
    while (!queue.isEmpty() && (taken.isEmpty() || lines + queue.peek().batch().lines().size() <= 10 * batchMaxLines)) {
      Pending p = queue.poll();
      taken.add(p);
      lines += p.batch().lines().size();
    }
    queuedLines -= lines;
    int flushed = lines;
    pool.withTransaction(conn -> store(conn, taken, flushed))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            dev.taskforge.metrics.Telemetry.logLinesStored(flushed);
            for (int i = 0; i < taken.size(); i++) {
              Long last = ar.result().get(i);
              if (last == null) {
                taken.get(i).stored().fail(new IllegalArgumentException("no execution "
                    + taken.get(i).batch().executionId()));
              } else {
                taken.get(i).stored().complete(last);
              }
            }
          } else {
            log.warn("log batch not stored lines={}", flushed, ar.cause());
            taken.forEach(p -> p.stored().tryFail(ar.cause()));
          }
          flushing = false;
          if (queuedLines >= batchMaxLines) {
            flush();
          } else if (!queue.isEmpty()) {
            timer = vertx.setTimer(Math.max(1, batchMaxDelayMs), id -> {
              timer = -1;
              flush();
            });
          }
        });
  }

  /** Numbers, stores and announces the batches; returns each batch's last seq, in order. */
  private Future<List<Long>> store(SqlConnection conn, List<Pending> taken, int lineCount) {
    Map<UUID, Integer> counts = new LinkedHashMap<>();
    for (Pending p : taken) {
      counts.merge(p.batch().executionId(), p.batch().lines().size(), Integer::sum);
    }
    UUID[] ids = counts.keySet().toArray(UUID[]::new);
    Integer[] sizes = counts.values().toArray(Integer[]::new);
    return SqlTemplate.forQuery(conn, LogSql.LOCK_EXECUTIONS).execute(Map.of("ids", ids))
        .compose(locked -> SqlTemplate.forQuery(conn, LogSql.ALLOCATE_SEQS).execute(Map.of("ids", ids, "counts", sizes)))
        .compose(rows -> {
          Map<UUID, Long> next = new HashMap<>();
          Map<UUID, Long> last = new HashMap<>();
          rows.forEach(r -> {
            UUID id = r.getUUID("id");
            last.put(id, r.getLong("log_seq"));
            next.put(id, r.getLong("log_seq") - counts.get(id) + 1);
          });
          // A batch for an execution that does not exist (deleted meanwhile) fails alone.
          List<Long> batchLast = new ArrayList<>();
          Columns columns = new Columns(lineCount);
          for (Pending p : taken) {
            UUID id = p.batch().executionId();
            if (!next.containsKey(id)) {
              batchLast.add(null);
              continue;
            }
            long seq = next.get(id);
            for (NewLogLine line : p.batch().lines()) {
              columns.add(id, seq++, line);
            }
            next.put(id, seq);
            batchLast.add(seq - 1);
          }
          String[] pointers = last.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toArray(String[]::new);
          return SqlTemplate.forUpdate(conn, LogSql.INSERT_LINES).execute(columns.params())
              .compose(v -> SqlTemplate.forQuery(conn, LogSql.NOTIFY).execute(Map.of("pointers", pointers)))
              .map(v -> batchLast);
        });
  }

  /** The column arrays of one multi-row insert. */
  private static final class Columns {
    private final UUID[] executions;
    private final Long[] seqs;
    private final OffsetDateTime[] times;
    private final String[] levels;
    private final String[] sources;
    private final String[] messages;
    private final JsonObject[] details;
    private final String[] components;
    private final String[] operations;
    private final String[] correlations;
    private int n;

    Columns(int size) {
      executions = new UUID[size];
      seqs = new Long[size];
      times = new OffsetDateTime[size];
      levels = new String[size];
      sources = new String[size];
      messages = new String[size];
      details = new JsonObject[size];
      components = new String[size];
      operations = new String[size];
      correlations = new String[size];
    }

    void add(UUID execution, long seq, NewLogLine line) {
      executions[n] = execution;
      seqs[n] = seq;
      times[n] = line.loggedAt();
      levels[n] = line.level().name();
      sources[n] = line.source().name();
      messages[n] = cut(line.message());
      details[n] = line.details();
      components[n] = line.component();
      operations[n] = line.operation();
      correlations[n] = line.correlationId();
      n++;
    }

    /** The filled part of each array (batches of unknown executions leave the tail empty). */
    Map<String, Object> params() {
      Map<String, Object> p = new HashMap<>();
      p.put("execution_ids", Arrays.copyOf(executions, n));
      p.put("seqs", Arrays.copyOf(seqs, n));
      p.put("logged_ats", Arrays.copyOf(times, n));
      p.put("levels", Arrays.copyOf(levels, n));
      p.put("sources", Arrays.copyOf(sources, n));
      p.put("messages", Arrays.copyOf(messages, n));
      p.put("details", Arrays.copyOf(details, n));
      p.put("components", Arrays.copyOf(components, n));
      p.put("operations", Arrays.copyOf(operations, n));
      p.put("correlation_ids", Arrays.copyOf(correlations, n));
      return p;
    }
  }

  /** Lines over 64 KiB characters are cut, with a marker saying how long they were. */
  static String cut(String message) {
    return message.length() <= MAX_MESSAGE_CHARS ? message
        : message.substring(0, MAX_MESSAGE_CHARS) + " [cut: line was " + message.length() + " characters]";
  }

  @Override
  public Future<?> stop() {
    // Lines still waiting are written before the pool closes: a clean stop loses none.
    Promise<Void> drained = Promise.promise();
    drainThen(drained);
    return consumer.unregister().compose(v -> drained.future()).eventually(() -> pool.close())
        .onComplete(ar -> log.info("log ingestion stopped deployment={}", deploymentID()));
  }

  private void drainThen(Promise<Void> drained) {
    if (queue.isEmpty() && !flushing) {
      drained.complete();
      return;
    }
    flush();
    vertx.setTimer(10, id -> drainThen(drained));
  }
}
