package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.queue.Task;
import dev.taskforge.queue.TaskPriority;
import dev.taskforge.queue.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A page written item by item is, to the byte, the page built from the items' JsonObjects. */
class StreamedPageTest {
  private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 2, 5, 30, 1, 123_456_000, ZoneOffset.ofHours(2));

  private static Task everythingSet() {
    JsonObject config = new JsonObject().put("executor", "shell").put("maxAttempts", 3).put("ratio", 0.25)
        .put("big", 12345678901234L).put("on", true).put("none", (Object) null)
        .put("backoff", new JsonObject().put("type", "FIXED").put("delayMs", 0))
        .put("list", new JsonArray().add(1).add("two").addNull().add(new JsonObject().put("k", "v")));
    return new Task(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), 7,
        "Fix \"quotes\", back\\slashes, tabs\t and new\nlines", "ünïcödé — 漢字 — 🚀 — \u0001 control",
        "echo </script> & 'single' / slash", config, TaskStatus.RUNNING, TaskPriority.CRITICAL,
        List.of("team-3", "área", "emoji 🚀"), new JsonObject().put("owner", "ops").put("n", -1),
        120, 95, 4, AT, AT.plusSeconds(1), AT.plusDays(1), AT.minusNanos(1), AT.plusMinutes(3), UUID.randomUUID(),
        "build");
  }

  private static Task mostlyNull() {
    return new Task(UUID.randomUUID(), UUID.randomUUID(), null, null, null, "t", null, "p", null,
        TaskStatus.PENDING, TaskPriority.LOW, null, null, null, null, 1, AT, AT, null, null, null, null, null);
  }

  private static Task emptyCollections() {
    return new Task(UUID.randomUUID(), UUID.randomUUID(), null, null, 0, "", "", "", new JsonObject(),
        TaskStatus.COMPLETED, TaskPriority.MEDIUM, List.of(), new JsonObject(), 0, 0, 0, AT, AT, null, AT, AT, null,
        "");
  }

  private static String asObjects(List<Task> tasks, String cursor) {
    return Responses.page(tasks.stream().map(Task::toJson).toList(), cursor).encode();
  }

  private static String streamed(List<Task> tasks, String cursor) {
    return StreamedPage.encode(tasks, Task::writeJson, cursor).toString();
  }

  @Test
  void tasksWithEveryFieldSetNoneSetOrEmptyAreWrittenAsTheirObjectsEncode() {
    List<Task> tasks = List.of(everythingSet(), mostlyNull(), emptyCollections());

    assertThat(streamed(tasks, "eyJ2IjoiMjAyNi0xMi0wMiJ9")).isEqualTo(asObjects(tasks, "eyJ2IjoiMjAyNi0xMi0wMiJ9"));
    assertThat(streamed(tasks, null)).isEqualTo(asObjects(tasks, null));
  }

  @Test
  void anEmptyPageIsWrittenAsItsObjectEncodes() {
    assertThat(streamed(List.of(), null)).isEqualTo(asObjects(List.of(), null)).isEqualTo("{\"items\":[],\"nextCursor\":null}");
  }
}
