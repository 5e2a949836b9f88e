package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskforge.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A worker's log batch, read and checked by the contract's rules, each refusal naming its field. */
class WorkerLogLinesTest {
  private static final String JSON = "application/json";

  private static Buffer body(JsonArray lines) {
    return new JsonObject().put("workerId", "box-1").put("lines", lines).toBuffer();
  }

  private static String refusedField(String contentType, Buffer body) {
    try {
      WorkerLogLines.parse(contentType, body);
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(400);
      return String.valueOf(e.field());
    }
    throw new AssertionError("accepted " + body);
  }

  @Test
  void aBatchBecomesStorableLinesWithTheContractsDefaults() {
    WorkerLogLines batch = WorkerLogLines.parse(JSON + "; charset=utf-8", body(new JsonArray()
        .add(new JsonObject().put("message", "epoch 1"))
        .add(new JsonObject().put("message", "nul \u0000 here").put("level", "WARN").put("source", "STDERR")
            .put("timestamp", "2026-12-01T10:00:00Z").put("details", new JsonObject().put("k", 1))
            .put("correlationId", "req-1"))));

    assertThat(batch.workerId()).isEqualTo("box-1");
    assertThat(batch.lines()).hasSize(2);
    assertThat(batch.lines().get(0).level()).isEqualTo(LogLevel.INFO);
    assertThat(batch.lines().get(0).source()).isEqualTo(LogSource.WORKER);
    NewLogLine second = batch.lines().get(1);
    assertThat(second.level()).isEqualTo(LogLevel.WARN);
    assertThat(second.message()).doesNotContain("\u0000");
    assertThat(second.loggedAt().toInstant().toString()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(second.correlationId()).isEqualTo("req-1");
  }

  @Test
  void eachBadLineIsNamedByItsIndexAndField() {
    JsonObject ok = new JsonObject().put("message", "fine");
    assertThat(refusedField(JSON, body(new JsonArray().add(ok).add(new JsonObject().put("message", "x")
        .put("level", "LOUD"))))).isEqualTo("lines[1].level");
    assertThat(refusedField(JSON, body(new JsonArray().add(new JsonObject().put("level", "INFO")))))
        .isEqualTo("lines[0].message");
    assertThat(refusedField(JSON, body(new JsonArray().add(ok).add(ok).add(new JsonObject().put("message", "x")
        .put("colour", "red"))))).isEqualTo("lines[2].colour");
    assertThat(refusedField(JSON, body(new JsonArray().add(new JsonObject().put("message", 42)))))
        .isEqualTo("lines[0].message");
    assertThat(refusedField(JSON, body(new JsonArray().add(new JsonObject().put("message", "x")
        .put("timestamp", "yesterday"))))).isEqualTo("lines[0].timestamp");
    assertThat(refusedField(JSON, body(new JsonArray().add(new JsonObject().put("message", "x")
        .put("component", "c".repeat(201)))))).isEqualTo("lines[0].component");
    assertThat(refusedField(JSON, body(new JsonArray().add("just text")))).isEqualTo("lines[0]");
  }

  @Test
  void theBatchItselfIsCheckedToo() {
    JsonArray one = new JsonArray().add(new JsonObject().put("message", "x"));
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(new JsonObject().put("message", "x"));
    }
    assertThat(refusedField(JSON, body(new JsonArray()))).isEqualTo("lines");
    assertThat(refusedField(JSON, body(tooMany))).isEqualTo("lines");
    assertThat(refusedField(JSON, new JsonObject().put("lines", one).toBuffer())).isEqualTo("workerId");
    assertThat(refusedField(JSON, new JsonObject().put("workerId", "a b").put("lines", one).toBuffer()))
        .isEqualTo("workerId");
    assertThat(refusedField(JSON, new JsonObject().put("workerId", "w").put("lines", one).put("x", 1).toBuffer()))
        .isEqualTo("x");
    assertThat(refusedField(JSON, Buffer.buffer("[1, 2]"))).isEqualTo("null");
    assertThat(refusedField(JSON, Buffer.buffer("{not json"))).isEqualTo("null");
    assertThat(refusedField("text/plain", body(one))).isEqualTo("null");
    assertThatThrownBy(() -> WorkerLogLines.parse(JSON, null)).isInstanceOf(ApiException.class);
  }
}
