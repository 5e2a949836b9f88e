package dev.taskforge.workflows;

import dev.taskforge.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code workflows.pollIntervalMs} (default 1000), and at once when this instance starts or
 * retries a run ({@link #WAKE} on the event bus): starts the runs of due triggers
 * ({@link TriggerScheduler}), asks the urls steps wait for ({@link ExternalWaits}), then moves runs
 * on ({@link WorkflowEngine}). Several instances may
 * run it: each due time and each run is handled by one at a time (its row is locked, others skip it).
 */
public final class WorkflowVerticle extends VerticleBase {
  /** Event-bus address: a run of this instance may have something to do now. */
  public static final String WAKE = "taskforge.workflows.wake";
  private static final Logger log = LoggerFactory.getLogger(WorkflowVerticle.class);

  private Pool pool;
  private WorkflowEngine engine;
  private TriggerScheduler scheduler;
  private ExternalWaits waits;
  private long timer;
  private boolean passing;
  private boolean again;
  private MessageConsumer<Object> wakeups;

  @Override
  public Future<?> start() {
    JsonObject settings = config().getJsonObject("workflows", new JsonObject());
    long interval = settings.getLong("pollIntervalMs", 1000L);
    if (interval < 10) {
      return Future.failedFuture("workflows.pollIntervalMs must be at least 10, not " + interval);
    }
    pool = Pools.create(vertx, Pools.urlFrom(config()), 2, "workflows");
    engine = new WorkflowEngine(pool);
    scheduler = new TriggerScheduler(pool);
    waits = new ExternalWaits(settings, vertx, pool);
    timer = vertx.setPeriodic(interval, id -> pass());
    wakeups = vertx.eventBus().localConsumer(WAKE, message -> pass());
    log.info("workflow engine started poll_interval_ms={}", interval);
    return wakeups.completion();
  }

  /** One pass at a time; a wake-up during a pass, or a full batch, asks for another right after. */
  private void pass() {
    if (passing) {
      again = true;
      return;
    }
    passing = true;
    again = false;
    scheduler.fire(Instant.now())
        .onFailure(e -> log.warn("workflow schedules not fired: {}", e.getMessage()))
        .transform(ignored -> waits.checkDue())
        .onFailure(e -> log.warn("workflow waits not checked: {}", e.getMessage()))
        .transform(ended -> {
          if (ended.succeeded() && ended.result() > 0) {
            again = true; // a wait ended: its step can go now, not a poll interval later
          }
          return engine.pass();
        })
        .onFailure(e -> log.warn("workflow engine pass failed: {}", e.getMessage()))
        .onComplete(ar -> {
          passing = false;
          if (again || (ar.succeeded() && ar.result() >= WorkflowEngine.BATCH)) {
            pass();
          }
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return wakeups.unregister().eventually(() -> waits.close()).eventually(() -> pool.close());
  }
}
