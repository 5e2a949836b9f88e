package dev.taskforge.app;

import dev.taskforge.db.ConnectionBudget;
import dev.taskforge.db.DatabaseUrl;
import dev.taskforge.db.EmbeddedDatabase;
import dev.taskforge.db.EmbeddedServerLogin;
import dev.taskforge.db.Migrations;
import dev.taskforge.db.Pools;
import dev.taskforge.logs.LogIngestVerticle;
import dev.taskforge.logs.LogTailVerticle;
import dev.taskforge.metrics.MetricsVerticle;
import dev.taskforge.queue.DispatchVerticle;
import dev.taskforge.queue.QueueLimits;
import dev.taskforge.queue.QueueSampler;
import dev.taskforge.telemetry.Telemetry;
import dev.taskforge.workflows.WorkflowVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Taskforge server: its database (embedded or external), migrated to this build's
 * schema, and its six verticles (log ingestion, log tails, HTTP API, dispatch, metrics, workflows)
 * deployed on one Vert.x instance, in that order. Stopping undeploys the
 * verticles first and only then stops the embedded database, so no verticle loses its database
 * in the middle of a write.
 */
public final class Server {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final Vertx vertx;
  private final EmbeddedDatabase embedded;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private Server(Vertx vertx, EmbeddedDatabase embedded) {
    this.vertx = vertx;
    this.embedded = embedded;
  }

  /** Starts everything and installs the SIGTERM/SIGINT handlers; returns once the server answers. */
  public static Server start(TaskforgeConfig config) {
    EmbeddedDatabase embedded = null;
    DatabaseUrl url;
    DatabaseUrl ownerUrl;
    if (config.database().url().isPresent()) {
      url = config.database().url().get();
      ownerUrl = config.database().migrationUrl().orElse(url);
      log.info("using external database {}", url.redacted());
    } else {
      embedded = EmbeddedDatabase.start(config.dataDir(), config.database().embeddedPort());
      url = embedded.url();
      ownerUrl = url;
    }
    Vertx vertx = null;
    try {
      String schemaVersion = new Migrations(ownerUrl).migrate();
      if (embedded != null) {
        // Migrated as the superuser; served as the DML-only login.
        url = EmbeddedServerLogin.ensure(ownerUrl, config.dataDir());
      }
      vertx = Telemetry.vertxWithPrometheus(configuredQueues(config.section("queue")));
      Server server = new Server(vertx, embedded);
      StartUp.begin(vertx);
      JsonObject common = new JsonObject()
          .put("database", Pools.toJson(url,
              ConnectionBudget.fit(config.database().poolSizeFor(embedded != null), url, config.http().instances()),
              config.database().statementTimeoutMs()))
          .put("instanceId", InstanceId.of(config))
          .put("dataDir", config.dataDir().toString())
          .put("schemaVersion", schemaVersion)
          .put("embeddedDatabase", embedded != null);
      deploy(vertx, config, common).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (embedded != null) {
        embedded.superviseEvery(Duration.ofSeconds(1));
      }
      server.handleSignals();
      StartUp.finish(vertx);
      log.info("taskforge started http_port={} schema_version={} database={}", config.http().port(), schemaVersion,
          url.redacted());
      return server;
    } catch (Exception e) {
      if (vertx != null) {
        vertx.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("start-up failed: " + Main.rootMessage(e), e);
    }
  }

  /** The queues the configuration names: those this instance serves and those with a limit. */
  private static Set<String> configuredQueues(JsonObject queue) {
    Set<String> names = new TreeSet<>(QueueLimits.from(queue).names());
    queue.getJsonArray("queues", new JsonArray().add("default")).forEach(name -> names.add((String) name));
    return names;
  }

  private static Future<?> deploy(Vertx vertx, TaskforgeConfig config, JsonObject common) {
    record Unit(Supplier<Deployable> verticle, String section) {}
    // The API before the dispatcher: after a crash the dispatcher's first claims start a process
    // for every free slot at once, and an API built beside them took 3-5 s more to answer (its
    // readiness stays 503 until the dispatcher answers too).
    List<Unit> units = List.of(
        new Unit(LogIngestVerticle::new, "logs"),
        new Unit(LogTailVerticle::new, "logs"),
        new Unit(ApiVerticle::new, "http"),
        new Unit(DispatchVerticle::new, "queue"),
        new Unit(() -> new MetricsVerticle(QueueSampler::create), "metrics"),
        new Unit(WorkflowVerticle::new, "workflows"));
    Future<?> chain = Future.succeededFuture();
    for (Unit unit : units) {
      JsonObject verticleConfig = common.copy().put(unit.section(), config.section(unit.section()));
      if ("queue".equals(unit.section())) {
        verticleConfig.put("executors", config.section("executors"));
      }
      if ("http".equals(unit.section())) {
        // The whole section (publicUrl, bodyLimitBytes), with the host and port as resolved.
        verticleConfig.put("http", config.section("http").copy().put("host", config.http().host())
            .put("port", config.http().port()));
        // External workers' leases and queue limits, log streaming, who may register and log in how
        // often, and which roles may use each executor.
        verticleConfig.put("queue", config.section("queue")).put("logs", config.section("logs"))
            .put("metrics", config.section("metrics"))
            .put("auth", config.section("auth")).put("executors", config.section("executors"))
            .put("workflows", config.section("workflows"));
      }
      // The HTTP API runs one instance per core (they share the port); the others need one.
      int instances = "http".equals(unit.section()) ? config.http().instances() : 1;
      chain = chain.compose(v -> vertx.deployVerticle(unit.verticle(),
          new DeploymentOptions().setConfig(verticleConfig).setInstances(instances)));
    }
    return chain;
  }

  /**
   * SIGTERM and SIGINT run {@link #stop()} and then exit. A signal handler rather than a shutdown
   * hook, because hooks run in no fixed order and the embedded database registers its own.
   */
  @SuppressWarnings("sunapi")
  private void handleSignals() {
    for (String name : List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
        log.info("signal received name={}; shutting down", signal.getName());
        Thread shutdown = new Thread(() -> {
          stop();
          System.exit(0);
        }, "taskforge-shutdown");
        // The signal thread is a daemon and so would be a thread it starts: the JVM could then
        // end as soon as Vert.x's threads are gone, before the embedded database is stopped.
        shutdown.setDaemon(false);
        shutdown.start();
      });
    }
  }

  /** Undeploys every verticle, closes Vert.x, then stops the embedded database. */
  public void stop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("verticles did not stop cleanly", e);
    }
    if (embedded != null) {
      embedded.close();
    }
    log.info("taskforge stopped");
  }
}
