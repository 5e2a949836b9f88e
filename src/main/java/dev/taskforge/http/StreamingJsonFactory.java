package dev.taskforge.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;
import java.util.List;
import java.util.Map;

/**
 * The process's JSON codec (Vert.x finds it through {@code META-INF/services}): JSON values —
 * JsonObject, JsonArray, maps, lists, strings, numbers, booleans, enums, Instants, bytes — are
 * written and read with Jackson's streaming API, as Vert.x does when jackson-databind is absent;
 * anything else (a POJO, a typed read) still goes through databind.
 *
 * <p>Why: vertx-openapi brings databind, and with databind present Vert.x encodes every JsonObject
 * through an ObjectMapper that looks a serializer up for every key and value and builds a
 * serializer provider per call: about a seventh of the API server's CPU when it lists tasks. The
 * streaming encoder writes the same text.
 */
public final class StreamingJsonFactory implements JsonFactory {
  static final JsonCodec CODEC = new StreamingFirstCodec();

  @Override
  public int order() {
    return 0; // before Vert.x's own factory (Integer.MAX_VALUE)
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }

  /** Streaming for plain JSON values, databind for the rest. */
  static final class StreamingFirstCodec extends DatabindCodec {
    private static final JacksonCodec STREAMING = new JacksonCodec();

    @Override
    public String toString(Object object, boolean pretty) throws EncodeException {
      try {
        return STREAMING.toString(object, pretty);
      } catch (EncodeException notPlainJson) {
        return super.toString(object, pretty);
      }
    }

    @Override
    public Buffer toBuffer(Object object, boolean pretty) throws EncodeException {
      try {
        return STREAMING.toBuffer(object, pretty);
      } catch (EncodeException notPlainJson) {
        return super.toBuffer(object, pretty);
      }
    }

    @Override
    public <T> T fromString(String json, Class<T> type) throws DecodeException {
      return isPlainJson(type) ? STREAMING.fromString(json, type) : super.fromString(json, type);
    }

    @Override
    public <T> T fromBuffer(Buffer json, Class<T> type) throws DecodeException {
      return isPlainJson(type) ? STREAMING.fromBuffer(json, type) : super.fromBuffer(json, type);
    }

    /** The types the streaming reader builds itself (JsonObject and JsonArray read through Map and List). */
    private static boolean isPlainJson(Class<?> type) {
      return type == Map.class || type == List.class || type == Object.class;
    }
  }
}
