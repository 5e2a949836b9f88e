package dev.taskforge.workflows;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.http.ApiException;
import dev.taskforge.http.Requests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Triggers of the owner's workflows (cron schedules, webhooks, and on-complete triggers that start
 * a run when a run of another workflow or a task ends), and a webhook's delivery: a POST
 * signed with {@code X-Taskforge-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))}
 * and {@code X-Taskforge-Timestamp} (Unix seconds, within {@value #TOLERANCE_SECONDS} s of now)
 * starts a run with the JSON body as its context. The signature is the delivery's key: the same
 * delivery sent again answers the run it started instead of starting another.
 */
final class WorkflowTriggers {
  static final long TOLERANCE_SECONDS = 300;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A trigger as created, with a webhook's secret (shown this once). */
  record Created(WorkflowTrigger trigger) {
    JsonObject toJson() {
      JsonObject json = trigger.toJson();
      return trigger.secret() == null ? json : json.put("secret", trigger.secret());
    }
  }

  /** A delivery's answer: the run, and whether this delivery started it (else an earlier one did). */
  record Delivery(WorkflowRuns.RunView run, boolean started) {}

  private final Pool pool;

  WorkflowTriggers(Pool pool) {
    this.pool = pool;
  }

  Future<Created> create(UUID owner, UUID workflowId, JsonObject body) {
    // Whose workflow it is comes first: a stranger learns nothing from how the body is judged.
    return new WorkflowRepository(pool).findById(owner, workflowId)
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiException.notFound("workflow"))
            : insert(owner, workflowId, body));
  }

  private Future<Created> insert(UUID owner, UUID workflowId, JsonObject body) {
    String type = body.getString("type");
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", owner);
    params.put("workflow_id", workflowId);
    params.put("type", type);
    params.put("context", body.getJsonObject("context", new JsonObject()));
    params.put("timezone", body.getString("timezone", "UTC"));
    params.put("schedule", null);
    params.put("secret", null);
    params.put("next_run_at", null);
    params.put("missed", body.getString("missed", "latest"));
    params.put("source_workflow_id", null);
    params.put("source_task_id", null);
    params.put("on_status", null);
    if (!type.equals("cron") && (body.containsKey("schedule") || body.containsKey("timezone") || body.containsKey("missed"))) {
      throw ApiException.badRequest(body.containsKey("schedule") ? "schedule" : body.containsKey("timezone")
          ? "timezone" : "missed", "only a cron trigger has a schedule, a timezone and a missed policy");
    }
    if (!type.equals("on-complete") && (body.containsKey("workflowId") || body.containsKey("taskId")
        || body.containsKey("status"))) {
      throw ApiException.badRequest(body.containsKey("workflowId") ? "workflowId" : body.containsKey("taskId")
          ? "taskId" : "status", "only an on-complete trigger watches a workflow or a task");
    }
    if (type.equals("cron")) {
      String schedule = body.getString("schedule");
      if (schedule == null) {
        throw ApiException.badRequest("schedule", "a cron trigger needs a schedule, e.g. */5 * * * * or @daily");
      }
      CronSchedule cron;
      try {
        cron = CronSchedule.parse(schedule, body.getString("timezone", "UTC"));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage().startsWith("timezone") ? "timezone" : "schedule", e.getMessage());
      }
      Instant next = cron.next(Instant.now());
      if (next == null) {
        throw ApiException.badRequest("schedule", "the schedule " + schedule + " is never due");
      }
      params.put("schedule", schedule.strip());
      params.put("next_run_at", next.atOffset(ZoneOffset.UTC));
    } else if (type.equals("on-complete")) {
      UUID sourceWorkflow = Requests.uuid(body.getString("workflowId"), "workflowId");
      UUID sourceTask = Requests.uuid(body.getString("taskId"), "taskId");
      if ((sourceWorkflow == null) == (sourceTask == null)) {
        throw ApiException.badRequest("workflowId", "an on-complete trigger watches either a workflowId or a taskId");
      }
      params.put("source_workflow_id", sourceWorkflow);
      params.put("source_task_id", sourceTask);
      params.put("on_status", body.getString("status"));
    } else {
      byte[] secret = new byte[32];
      RANDOM.nextBytes(secret);
      params.put("secret", "tfw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }
    return Templates.forQuery(pool, TriggerSql.INSERT).mapTo(WorkflowTrigger.MAPPER).execute(params)
        .map(Rows::first)
        .map(found -> new Created(found.orElseThrow(() -> ApiException.notFound("workflow"))));
  }

  /** The triggers of the owner's workflow; 404 when the workflow is not theirs. */
  Future<List<WorkflowTrigger>> of(UUID owner, UUID workflowId) {
    return new WorkflowRepository(pool).findById(owner, workflowId)
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiException.notFound("workflow"))
            : Templates.forQuery(pool, TriggerSql.OF_WORKFLOW).mapTo(WorkflowTrigger.MAPPER)
                .execute(Map.of("workflow_id", workflowId, "owner_id", owner)).map(Rows::list));
  }

  Future<Boolean> delete(UUID owner, UUID triggerId) {
    return Templates.forUpdate(pool, TriggerSql.DELETE).execute(Map.of("id", triggerId, "owner_id", owner))
        .map(result -> result.rowCount() == 1);
  }

  /**
   * A webhook delivery: 404 for no such (enabled) webhook, 401 for a missing, malformed, wrong or
   * stale signature — checked before anything is written, so a refused delivery starts nothing.
   */
  Future<Delivery> deliver(UUID triggerId, String timestamp, String signature, Buffer body, Instant now) {
    return Templates.forQuery(pool, TriggerSql.WEBHOOK).mapTo(WorkflowTrigger.MAPPER)
        .execute(Map.of("id", triggerId)).map(Rows::first)
        .compose(found -> {
          WorkflowTrigger hook = found.orElseThrow(() -> ApiException.notFound("webhook"));
          String key = verify(hook.secret(), timestamp, signature, body, now);
          JsonObject context = body.length() == 0 ? new JsonObject() : new JsonObject(body);
          Map<String, Object> byKey = Map.of("trigger_id", hook.id(), "trigger_key", key);
          return pool.withTransaction(conn -> Templates.forQuery(conn, TriggerSql.RUN_FOR_KEY).execute(byKey)
              .compose(earlier -> {
                if (earlier.size() > 0) {
                  UUID runId = earlier.iterator().next().getUUID("id");
                  return WorkflowRuns.view(conn, hook.ownerId(), runId).map(run -> new Delivery(run.orElseThrow(), false));
                }
                return WorkflowRuns.startIn(conn, hook.ownerId(), hook.workflowId(), context,
                        new WorkflowRuns.Origin("webhook", "webhook " + hook.id(), hook.id(), key))
                    .compose(runId -> Templates.forUpdate(conn, TriggerSql.FIRED).execute(Map.of("id", hook.id()))
                        .compose(v -> WorkflowRuns.view(conn, hook.ownerId(), runId)))
                    .map(run -> new Delivery(run.orElseThrow(), true));
              }));
        });
  }

  /** Checks a delivery's signature; answers its key (the signature's hex) or fails with 401. */
  static String verify(String secret, String timestamp, String signature, Buffer body, Instant now) {
    if (timestamp == null || !timestamp.matches("\\d{1,12}")) {
      throw ApiException.unauthorized("X-Taskforge-Timestamp must be the Unix time in seconds the delivery was signed at");
    }
    if (Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) > TOLERANCE_SECONDS) {
      throw ApiException.unauthorized("the delivery's timestamp is more than " + TOLERANCE_SECONDS
          + " s from the server's time: it is stale (or the clocks disagree)");
    }
    if (signature == null || !signature.matches("sha256=[0-9a-fA-F]{64}")) {
      throw ApiException.unauthorized("X-Taskforge-Signature must be sha256=<hex of HMAC-SHA256(secret, timestamp.body)>");
    }
    byte[] expected = sign(secret, timestamp, body);
    byte[] given = HexFormat.of().parseHex(signature.substring("sha256=".length()).toLowerCase());
    if (!MessageDigest.isEqual(expected, given)) {
      throw ApiException.unauthorized("the signature does not match the delivery");
    }
    return HexFormat.of().formatHex(expected);
  }

  /** HMAC-SHA256(secret, timestamp + "." + body). */
  static byte[] sign(String secret, String timestamp, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body.getBytes());
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
