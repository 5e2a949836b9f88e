package dev.taskforge.console;

import dev.taskforge.db.Templates;
import dev.taskforge.http.Authentication;
import dev.taskforge.logs.LogIngestVerticle;
import dev.taskforge.queue.Cancellation;
import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.QueueWakeups;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's live status: one WebSocket per browser tab ({@code /ws/tasks}) that says
 * {@code {"type":"changed"}} whenever the signed-in user's tasks may have changed; the page then
 * reads what it shows again through the public API, so the feed carries no task data and a
 * missed nudge costs only latency. It is fed by notifications the queue and the logs already send
 * (a new job, a cancellation, an execution's first lines) on this instance's one LISTEN
 * connection, so any instance's change reaches tabs on every instance; each notification (and,
 * for what nobody announces, such as an edit or a run that started without touching its task's
 * row, a periodic look) is checked per watching owner with one statement, and only the owners
 * whose tasks changed are told. On (re)connecting a tab gets a
 * nudge at once: it reads again whatever changed while it was away.
 */
public final class TaskFeed {
  private static final Logger log = LoggerFactory.getLogger(TaskFeed.class);
  static final long NOTIFIED_CHECK_MS = 150;
  static final long PERIODIC_CHECK_MS = 2_000;
  private static final long PING_MS = 30_000;
  /** Executions already announced as started; bounded, the oldest forgotten first. */
  private static final int REMEMBERED_EXECUTIONS = 10_000;
  /**
   * How far a look reaches back before the previous one for started executions: a claim's
   * {@code started_at} is its transaction's start, which may precede a look that ran before it
   * committed. A run within the overlap may be told twice; a repeated nudge costs one read.
   */
  static final Duration START_OVERLAP = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Pool pool;
  private final Map<UUID, Set<ServerWebSocket>> tabs = new HashMap<>();
  private final Map<UUID, OffsetDateTime> lastChange = new HashMap<>();
  private final Set<UUID> startedExecutions = new HashSet<>();
  private final LinkedHashSet<UUID> seenExecutions = new LinkedHashSet<>();
  /** The database's time of the last look: runs started after it (less the overlap) are news. */
  private OffsetDateTime lastCheck;
  private boolean checkScheduled;
  private boolean checking;
  private boolean checkAgain;
  private long periodic = -1;
  private long pings = -1;

  public TaskFeed(Vertx vertx, Pool pool, QueueWakeups wakeups) {
    this.vertx = vertx;
    this.pool = pool;
    wakeups.observe(Enqueuer.CHANNEL, queue -> checkSoon());
    wakeups.observe(Cancellation.CHANNEL, job -> checkSoon());
    wakeups.observe(LogIngestVerticle.CHANNEL, this::logged);
  }

  /** The feed's WebSocket; authentication and the origin check ran before, as for every route. */
  public void mount(Router router) {
    router.get("/ws/tasks").handler(this::webSocket);
    periodic = vertx.setPeriodic(PERIODIC_CHECK_MS, id -> check());
    pings = vertx.setPeriodic(PING_MS, id -> tabs.values().forEach(set -> set.forEach(ws -> ws.writePing(Buffer.buffer("ping")))));
  }

  public void close() {
    vertx.cancelTimer(periodic);
    vertx.cancelTimer(pings);
    tabs.values().forEach(set -> set.forEach(ServerWebSocket::close));
    tabs.clear();
  }

  private void webSocket(RoutingContext ctx) {
    UUID owner = Authentication.principal(ctx).userId();
    ctx.request().toWebSocket().compose(ws -> {
      tabs.computeIfAbsent(owner, o -> new HashSet<>()).add(ws);
      ws.closeHandler(closed -> forget(owner, ws));
      ws.textMessageHandler(text -> { }); // the page says nothing; the feed only talks
      // The owner's baseline is taken before the first nudge: a change after it is told again
      // (the page's read may have missed it), never lost between the tab's read and the next look.
      return baseline(owner).onComplete(ar -> nudge(ws, lastChange.get(owner)));
    }).onFailure(failure -> {
      if (!ctx.response().headWritten()) {
        ctx.fail(failure);
      }
    });
  }

  private Future<?> baseline(UUID owner) {
    if (lastChange.containsKey(owner)) {
      return Future.succeededFuture();
    }
    Map<String, Object> params = Map.of("owners", new UUID[] {owner}, "executions", new UUID[0],
        "since", OffsetDateTime.MAX);
    return Templates.forQuery(pool, TaskFeedSql.OWNER_CHANGES).execute(params).onSuccess(rows -> rows.forEach(row -> {
      if (tabs.containsKey(owner)) {
        lastChange.putIfAbsent(owner, row.getOffsetDateTime("changed_at"));
      }
    }));
  }

  private void forget(UUID owner, ServerWebSocket ws) {
    Set<ServerWebSocket> set = tabs.get(owner);
    if (set != null && set.remove(ws) && set.isEmpty()) {
      tabs.remove(owner);
      lastChange.remove(owner);
    }
  }

  /** A log pointer ({@code executionId:seq}): the first one of an execution means it has started. */
  private void logged(String pointer) {
    int colon = pointer.indexOf(':');
    UUID execution;
    try {
      execution = UUID.fromString(colon < 0 ? pointer : pointer.substring(0, colon));
    } catch (IllegalArgumentException e) {
      return;
    }
    if (seenExecutions.add(execution)) {
      if (seenExecutions.size() > REMEMBERED_EXECUTIONS) {
        UUID oldest = seenExecutions.iterator().next();
        seenExecutions.remove(oldest);
      }
      startedExecutions.add(execution);
      checkSoon();
    }
  }

  /** Notifications come in bursts (one per batch of lines, one per job): one check after a short pause. */
  private void checkSoon() {
    if (!checkScheduled && !tabs.isEmpty()) {
      checkScheduled = true;
      vertx.setTimer(NOTIFIED_CHECK_MS, id -> {
        checkScheduled = false;
        check();
      });
    }
  }

  private void check() {
    if (tabs.isEmpty()) {
      startedExecutions.clear();
      return;
    }
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    UUID[] executions = startedExecutions.toArray(UUID[]::new);
    startedExecutions.clear();
    Map<String, Object> params = Map.of("owners", tabs.keySet().toArray(UUID[]::new), "executions", executions,
        "since", lastCheck == null ? OffsetDateTime.MAX : lastCheck.minus(START_OVERLAP));
    Templates.forQuery(pool, TaskFeedSql.OWNER_CHANGES).execute(params)
        .onSuccess(rows -> rows.forEach(row -> {
          lastCheck = row.getOffsetDateTime("checked_at");
          tellIfChanged(row);
        }))
        .onFailure(err -> log.warn("task feed check failed: {}", err.getMessage()))
        .onComplete(ar -> {
          checking = false;
          if (checkAgain) {
            checkAgain = false;
            checkSoon();
          }
        });
  }

  private void tellIfChanged(Row row) {
    UUID owner = row.getUUID("owner_id");
    OffsetDateTime changedAt = row.getOffsetDateTime("changed_at");
    boolean seenBefore = lastChange.containsKey(owner);
    boolean changed = !Objects.equals(lastChange.get(owner), changedAt);
    if (!tabs.containsKey(owner)) {
      return; // their last tab closed while the statement ran
    }
    lastChange.put(owner, changedAt);
    // Without a baseline (still being taken) this look becomes it: the tab's first nudge follows.
    if ((changed && seenBefore) || row.getBoolean("started")) {
      tabs.getOrDefault(owner, Set.of()).forEach(ws -> nudge(ws, changedAt));
    }
  }

  private static void nudge(ServerWebSocket ws, OffsetDateTime changedAt) {
    ws.writeTextMessage(new JsonObject().put("type", "changed")
        .put("changedAt", changedAt == null ? null : changedAt.toString()).encode());
  }
}
