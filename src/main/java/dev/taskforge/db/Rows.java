package dev.taskforge.db;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.data.Inet;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small, null-safe conversions shared by the row mappers of every feature. */
public final class Rows {
  private Rows() {
  }

  /** The enum constant named by a PostgreSQL enum column, or null for SQL NULL. */
  public static <E extends Enum<E>> E enumValue(Row row, String column, Class<E> type) {
    return enumValue(row.getString(column), type);
  }

  /** An enum constant by name, or null for SQL NULL. */
  public static <E extends Enum<E>> E enumValue(String value, Class<E> type) {
    return value == null ? null : Enum.valueOf(type, value);
  }

  /** A {@code text[]} value as a list (never null: NULL reads as empty). */
  public static List<String> strings(String[] values) {
    return values == null ? List.of() : List.of(values);
  }

  /** A {@code jsonb} value holding an object (SQL NULL and JSON null read as null). */
  public static JsonObject object(Object value) {
    return value == null || value == Tuple.JSON_NULL ? null : (JsonObject) value;
  }

  /** A {@code text[]} column as a list (never null: NULL reads as empty). */
  public static List<String> strings(Row row, String column) {
    return strings(row.getArrayOfStrings(column));
  }

  /** A {@code jsonb} column holding an object (SQL NULL and JSON null read as null). */
  public static JsonObject object(Row row, String column) {
    return object(row.getValue(column));
  }

  public static OffsetDateTime time(Row row, String column) {
    return row.getOffsetDateTime(column);
  }

  /** The single row of a result, if any. */
  public static <T> Optional<T> first(RowSet<T> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  public static <T> List<T> list(RowSet<T> rows) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return list;
  }

  /** An {@code inet} column as its textual address (SQL NULL stays null). */
  public static String inet(Row row, String column) {
    Object value = row.getValue(column);
    if (value instanceof Inet inet) {
      return inet.getAddress().getHostAddress();
    }
    return value == null ? null : value.toString();
  }

  /** An id on the wire: an opaque string. */
  public static String id(Object id) {
    return id == null ? null : id.toString();
  }

  /** A timestamp on the wire: ISO-8601 in UTC, e.g. 2026-11-23T07:02:09.123Z. */
  public static String iso(OffsetDateTime time) {
    return time == null ? null : IsoInstant.format(time);
  }

  /** An enum on the wire: its name. */
  public static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }

  /** A list of strings as a JSON array, for {@code toJson()} methods. */
  public static JsonArray json(List<String> values) {
    return values == null ? null : new JsonArray(new ArrayList<>(values));
  }
}
