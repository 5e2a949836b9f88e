package dev.taskforge.tasks;

import dev.taskforge.http.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of tasks ended: the sort key, its direction, the last row's sort value and id. On
 * the wire it is opaque (base64url of JSON); a cursor from another sort is refused, since it
 * would skip or repeat rows.
 */
public record TaskCursor(TaskFilter.SortKey sort, boolean descending, String value, UUID id) {

  public String encode() {
    JsonObject json = new JsonObject().put("s", sort.name()).put("d", descending).put("v", value).put("i", id.toString());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor for a listing sorted by {@code sort} in that direction; 400 otherwise. */
  public static TaskCursor decode(String text, TaskFilter.SortKey sort, boolean descending) {
    TaskCursor cursor;
    try {
      JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
      cursor = new TaskCursor(TaskFilter.SortKey.valueOf(json.getString("s")), json.getBoolean("d"),
          json.getString("v"), UUID.fromString(json.getString("i")));
    } catch (IllegalArgumentException | DecodeException | NullPointerException | ClassCastException e) {
      throw ApiException.badRequest("cursor", "cursor is not one this server handed out");
    }
    if (cursor.sort() != sort || cursor.descending() != descending) {
      throw ApiException.badRequest("cursor", "cursor belongs to a listing with another sort or order");
    }
    return cursor;
  }
}
