package dev.taskforge.projects;

import dev.taskforge.http.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** The opaque cursor of project listings: where the previous page ended (creation time and id). */
final class ProjectCursor {
  private ProjectCursor() {
  }

  static String encode(Project last) {
    String json = new JsonObject().put("c", last.createdAt().toString()).put("i", last.id().toString()).encode();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A stand-in for the last project of the previous page: only its creation time and id matter. */
  static Project decode(String cursor) {
    try {
      JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      return new Project(UUID.fromString(json.getString("i")), null, null, null,
          OffsetDateTime.parse(json.getString("c")), null, null);
    } catch (IllegalArgumentException | DecodeException | NullPointerException | ClassCastException
        | DateTimeException e) {
      throw ApiException.badRequest("cursor", "cursor is not one this server handed out");
    }
  }
}
