package dev.taskforge.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A line's text written once for every watcher is, to the byte, what its wire JsonObject encodes to. */
class WireLineTest {
  private static final UUID EXECUTION = UUID.randomUUID();
  private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 2, 7, 5, 9, 120_000_000, ZoneOffset.ofHours(-3));

  private static ExecutionLog everythingSet() {
    JsonObject details = new JsonObject().put("tool", "Bash").put("exit", 0).put("ratio", 0.5).put("none", (Object) null)
        .put("nested", new JsonObject().put("list", new JsonArray().add(1).add("two").addNull()));
    return new ExecutionLog(EXECUTION, 41L, AT, LogLevel.ERROR, LogSource.STDERR,
        "\u001b[31mred\u001b[0m \"quoted\" back\\slash\ttab\nnewline ünïcödé 漢字 🚀 \u0001 </script>", details,
        "runner", "tool_use", "req-7");
  }

  private static ExecutionLog mostlyNull() {
    return new ExecutionLog(EXECUTION, 42L, AT.plusNanos(1), LogLevel.INFO, LogSource.STDOUT, "", null, null, null,
        null);
  }

  private static ExecutionLog emptyDetails() {
    return new ExecutionLog(EXECUTION, 43L, AT.withOffsetSameInstant(ZoneOffset.UTC), LogLevel.DEBUG, LogSource.SYSTEM,
        "plain", new JsonObject(), "", "", "");
  }

  @Test
  void eachLineIsWrittenAsItsWireObjectEncodesWithItsSeq() {
    List<ExecutionLog> rows = List.of(everythingSet(), mostlyNull(), emptyDetails());

    List<WireLine> lines = WireLine.of(rows);

    assertThat(lines).extracting(WireLine::seq).containsExactly(41L, 42L, 43L);
    assertThat(lines).extracting(WireLine::json)
        .containsExactlyElementsOf(rows.stream().map(row -> TailFrame.wire(row).encode()).toList());
  }

  @Test
  void everyControlCharacterIsEscapedAsJacksonEscapesIt() {
    StringBuilder all = new StringBuilder("before ");
    for (char c = 0; c < 0x80; c++) {
      all.append(c);
    }
    all.append(" \u007f \u2028 \u00e9 \ud83d\ude80 after");
    ExecutionLog row = new ExecutionLog(EXECUTION, 1L, AT, LogLevel.INFO, LogSource.STDOUT, all.toString(),
        new JsonObject().put(all.toString(), all.toString()), all.toString(), null, "\"");

    assertThat(WireLine.of(List.of(row))).extracting(WireLine::json).containsExactly(TailFrame.wire(row).encode());
  }

  @Test
  void noRowsAreNoLines() {
    assertThat(WireLine.of(List.of())).isEmpty();
  }
}
