package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamingJsonFactoryTest {
  private static final DatabindCodec DATABIND = new DatabindCodec();

  enum Colour { RED }

  /** A value databind can write and the streaming writer cannot. */
  public record Point(int x, int y) {}

  private static JsonObject everyKindOfValue() {
    return new JsonObject()
        .put("text", "plain, \"quoted\", tab\t, newline\n, NUL-free unicode: żółć 日本 🚀")
        .put("int", 42).put("long", 9_007_199_254_740_993L).put("negative", -7)
        .put("double", 0.1).put("big", new BigDecimal("12345678901234567890.000001"))
        .put("bigInteger", new BigInteger("123456789012345678901234567890"))
        .put("yes", true).put("nothing", (Object) null)
        .put("when", Instant.parse("2026-12-02T01:02:03.456Z"))
        .put("bytes", new byte[] {0, 1, 2, (byte) 0xff})
        .put("colour", Colour.RED)
        .put("nested", new JsonObject().put("list", new JsonArray().add(1).add("two").addNull().add(new JsonObject())))
        .put("map", Map.of("k", List.of(1, 2)));
  }

  @Test
  void vertxUsesThisCodecForTheWholeProcess() {
    assertThat(Json.CODEC).isInstanceOf(StreamingJsonFactory.StreamingFirstCodec.class);
  }

  @Test
  void writesExactlyWhatDatabindWrites() {
    JsonObject value = everyKindOfValue();
    assertThat(Json.CODEC.toString(value, false)).isEqualTo(DATABIND.toString(value, false));
    assertThat(Json.CODEC.toString(value, true)).isEqualTo(DATABIND.toString(value, true));
    assertThat(Json.CODEC.toBuffer(value, false)).isEqualTo(DATABIND.toBuffer(value, false));
  }

  @Test
  void readsBackTheSameValuesDatabindReads() {
    String text = DATABIND.toString(everyKindOfValue(), false);
    assertThat(new JsonObject(text)).isEqualTo(new JsonObject(DATABIND.fromString(text, Map.class)));
    assertThat(new JsonObject(Buffer.buffer(text))).isEqualTo(new JsonObject(text));
    assertThat(new JsonArray("[1, 2.5, \"x\", null, {\"a\": []}]").getList())
        .isEqualTo(DATABIND.fromString("[1, 2.5, \"x\", null, {\"a\": []}]", List.class));
  }

  @Test
  void aValueOnlyDatabindKnowsIsStillWrittenAndReadByDatabind() {
    JsonObject withPojo = new JsonObject().put("point", new Point(1, 2));
    assertThat(withPojo.encode()).isEqualTo("{\"point\":{\"x\":1,\"y\":2}}");
    assertThat(Json.CODEC.fromString("{\"x\":3,\"y\":4}", Point.class)).isEqualTo(new Point(3, 4));
  }

  @Test
  void badJsonIsStillADecodeException() {
    assertThatThrownBy(() -> new JsonObject("{\"a\":")).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> new JsonObject("[1]")).isInstanceOf(DecodeException.class);
  }
}
