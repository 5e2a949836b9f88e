package dev.taskforge.logs;

import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import dev.taskforge.http.Requests;
import dev.taskforge.http.SecurityHeaders;
import dev.taskforge.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reading execution logs: history and search, a plain-text download, the live tail as a
 * WebSocket ({@code /ws/executions/{id}/logs?after=SEQ}) or as Server-Sent Events, and the page
 * that shows it ({@code /executions/{id}}, its files under {@code /ui/}). Only the execution's
 * owner or an admin may read; to anyone else it does not exist.
 */
public final class LogStreamRoutes {
  static final int DEFAULT_PAGE = 1000;
  private static final long PING_MS = 30_000;

  private final Vertx vertx;
  private final Pool pool;
  private final long slowLimitMs;

  public LogStreamRoutes(Vertx vertx, Pool pool, JsonObject logsConfig) {
    this.vertx = vertx;
    this.pool = pool;
    this.slowLimitMs = logsConfig == null ? 30_000 : logsConfig.getLong("slowClientLimitMs", 30_000L);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("listExecutionLogs").addHandler(this::search);
    builder.getRoute("downloadExecutionLogs").addHandler(this::download);
  }

  /** Routes outside the contract (its tooling knows no event streams): the live tails and the page. */
  public void mount(Router router) {
    router.get("/ws/executions/:executionId/logs").handler(this::webSocket);
    router.get("/api/executions/:executionId/logs/stream").handler(this::serverSentEvents);
    router.get("/executions/:executionId").handler(ctx -> SecurityHeaders.page(ctx.response())
        .putHeader("Content-Type", "text/html; charset=utf-8").sendFile("web/execution.html"));
    router.get("/ui/*").handler(StaticHandler.create("web").setCachingEnabled(true).setMaxAgeSeconds(300));
  }

  private record Viewer(UUID execution, Principal principal) {}

  /** The execution if the caller may read it: 404 otherwise (never "forbidden": it does not exist for them). */
  private Future<JsonObject> authorise(Viewer v) {
    return LogFollower.watchable(pool, v.execution(), v.principal().userId(), v.principal().isAdmin())
        .compose(state -> state.isPresent() ? Future.succeededFuture(state.get())
            : Future.failedFuture(ApiException.notFound("execution")));
  }

  private static Viewer viewer(RoutingContext ctx) {
    return new Viewer(Requests.uuidParam(ctx, "executionId"), Authentication.principal(ctx));
  }

  private static long afterParam(RoutingContext ctx, String fallbackHeader) {
    String text = ctx.request().getParam("after");
    if (text == null && fallbackHeader != null) {
      text = ctx.request().getHeader(fallbackHeader);
    }
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      long after = Long.parseLong(text.trim());
      if (after < 0) {
        throw new NumberFormatException();
      }
      return after;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("after", "after must be a whole number of at least 0, got '" + text + "'");
    }
  }

  private void webSocket(RoutingContext ctx) {
    Viewer v = viewer(ctx);
    long after = afterParam(ctx, null);
    authorise(v).compose(state -> ctx.request().toWebSocket().compose(ws -> {
      WebSocketSink sink = new WebSocketSink(vertx, ws);
      LogFollower follower = new LogFollower(vertx, pool, v.execution(), v.principal().userId(),
          v.principal().isAdmin(), sink, slowLimitMs);
      Telemetry.logFollowerStarted();
      ws.closeHandler(closed -> {
        Telemetry.logFollowerEnded();
        sink.stop();
        follower.close();
      });
      return follower.start(after, state);
    })).onFailure(failure -> {
      if (!ctx.response().headWritten()) {
        ctx.fail(failure);
      }
    });
  }

  private void serverSentEvents(RoutingContext ctx) {
    Viewer v = viewer(ctx);
    long after = afterParam(ctx, "Last-Event-ID");
    authorise(v).compose(state -> {
      HttpServerResponse response = ctx.response().setChunked(true)
          .putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      response.write(": following execution " + v.execution() + "\n\n");
      SseSink sink = new SseSink(vertx, response);
      LogFollower follower = new LogFollower(vertx, pool, v.execution(), v.principal().userId(),
          v.principal().isAdmin(), sink, slowLimitMs);
      Telemetry.logFollowerStarted();
      response.closeHandler(closed -> {
        Telemetry.logFollowerEnded();
        sink.stop();
        follower.close();
      });
      return follower.start(after, state);
    }).onFailure(failure -> {
      if (!ctx.response().headWritten()) {
        ctx.fail(failure);
      }
    });
  }

  private void search(RoutingContext ctx) {
    Viewer v = viewer(ctx);
    int limit = ctx.request().getParam("limit") == null ? DEFAULT_PAGE : Integer.parseInt(ctx.request().getParam("limit"));
    Map<String, Object> p = new HashMap<>();
    p.put("execution_id", v.execution());
    p.put("owner_id", v.principal().userId());
    p.put("admin", v.principal().isAdmin());
    p.put("after", afterParam(ctx, null));
    p.put("limit", limit);
    p.put("min_level", ctx.request().getParam("level"));
    p.put("source", ctx.request().getParam("source"));
    p.put("q", ctx.request().getParam("q"));
    p.put("q_words", LogSearchWords.patterns(ctx.request().getParam("q")));
    p.put("from", Requests.time(ctx.request().getParam("from"), "from"));
    p.put("to", Requests.time(ctx.request().getParam("to"), "to"));
    p.put("correlation_id", ctx.request().getParam("correlationId"));
    authorise(v)
        .compose(state -> new LogSearch(pool).page(p))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(line -> items.add(TailFrame.wire(line)));
          Long next = items.size() < limit ? null : items.getJsonObject(items.size() - 1).getLong("seq");
          return new JsonObject().put("items", items).put("nextAfter", next);
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** The whole log, a page at a time, as it is read: memory stays flat whatever its length. */
  private void download(RoutingContext ctx) {
    Viewer v = viewer(ctx);
    authorise(v).onSuccess(state -> {
      HttpServerResponse response = ctx.response().setChunked(true)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"execution-" + v.execution() + ".log\"");
      writePages(response, v, 0);
    }).onFailure(ctx::fail);
  }

  private void writePages(HttpServerResponse response, Viewer v, long after) {
    Map<String, Object> p = Map.of("execution_id", v.execution(), "owner_id", v.principal().userId(),
        "admin", v.principal().isAdmin(), "after", after, "limit", DEFAULT_PAGE);
    Templates.forQuery(pool, LogSql.WATCHER_AFTER).mapTo(ExecutionLog.MAPPER).execute(p).onComplete(ar -> {
      if (ar.failed()) {
        response.reset();
        return;
      }
      StringBuilder text = new StringBuilder();
      long last = after;
      int n = 0;
      for (ExecutionLog line : ar.result()) {
        text.append(line.loggedAt().toInstant()).append(' ').append(String.format("%-5s", line.level().name()))
            .append(' ').append(line.source().name()).append(' ').append(line.message()).append('\n');
        last = line.seq();
        n++;
      }
      long next = last;
      boolean more = n == DEFAULT_PAGE;
      Future<Void> written = text.isEmpty() ? Future.succeededFuture() : response.write(text.toString());
      written.onComplete(w -> {
        if (w.failed()) {
          return; // the client went away
        }
        if (more) {
          writePages(response, v, next);
        } else {
          response.end();
        }
      });
    });
  }

  /** Frames to a WebSocket: JSON text messages, pings while idle, close codes that say why. */
  static final class WebSocketSink implements LogFollower.Sink {
    static final short TOO_SLOW = 4008;
    static final int MESSAGE_CHARS = 60_000;
    private final ServerWebSocket ws;
    private final Vertx vertx;
    private final long pingTimer;
    private final PendingWrites pending = new PendingWrites();

    WebSocketSink(Vertx vertx, ServerWebSocket ws) {
      this.vertx = vertx;
      this.ws = ws;
      this.pingTimer = vertx.setPeriodic(PING_MS, id -> ws.writePing(Buffer.buffer("ping")));
    }

    void stop() {
      vertx.cancelTimer(pingTimer);
    }

    @Override
    public boolean writeQueueFull() {
      return pending.full() || ws.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable drained) {
      pending.onDrain(drained);
    }

    private void send(String text) {
      pending.write(text, () -> ws.writeTextMessage(text));
    }

    /**
     * Lines go out in messages of about {@value #MESSAGE_CHARS} characters at most, whatever the
     * size of the read behind them: clients (browsers, libraries) cap the size of one message.
     */
    @Override
    public void lines(List<WireLine> lines) {
      StringBuilder message = new StringBuilder(MESSAGE_CHARS + 1024);
      for (WireLine wire : lines) {
        String line = wire.json();
        if (message.length() > 0 && message.length() + line.length() > MESSAGE_CHARS) {
          send(message.append("]}").toString());
          message.setLength(0);
        }
        message.append(message.length() == 0 ? "{\"type\":\"lines\",\"lines\":[" : ",").append(line);
      }
      if (message.length() > 0) {
        send(message.append("]}").toString());
      }
    }

    @Override
    public void end(String status, long lastSeq) {
      ws.writeTextMessage(new JsonObject().put("type", "end").put("status", status).put("lastSeq", lastSeq).encode())
          .onComplete(ar -> ws.close((short) 1000, "execution ended"));
    }

    @Override
    public void tooSlow(String reason) {
      ws.close(TOO_SLOW, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }
  }

  /** Events to an SSE response: {@code line} events with the seq as id, then {@code end}. */
  static final class SseSink implements LogFollower.Sink {
    private final HttpServerResponse response;
    private final Vertx vertx;
    private final long pingTimer;
    private final PendingWrites pending = new PendingWrites();

    SseSink(Vertx vertx, HttpServerResponse response) {
      this.vertx = vertx;
      this.response = response;
      this.pingTimer = vertx.setPeriodic(PING_MS, id -> response.write(": ping\n\n"));
    }

    void stop() {
      vertx.cancelTimer(pingTimer);
    }

    @Override
    public boolean writeQueueFull() {
      return pending.full() || response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable drained) {
      pending.onDrain(drained);
    }

    @Override
    public void lines(List<WireLine> lines) {
      StringBuilder events = new StringBuilder();
      for (WireLine line : lines) {
        events.append("id: ").append(line.seq()).append("\nevent: line\ndata: ").append(line.json()).append("\n\n");
      }
      String text = events.toString();
      pending.write(text, () -> response.write(text));
    }

    @Override
    public void end(String status, long lastSeq) {
      stop();
      response.end("event: end\ndata: " + new JsonObject().put("status", status).put("lastSeq", lastSeq).encode()
          + "\n\n");
    }

    @Override
    public void tooSlow(String reason) {
      stop();
      response.end("event: error\ndata: " + new JsonObject().put("message", reason).encode() + "\n\n");
    }
  }
}
