package dev.taskforge.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.impl.SqlClientInternal;
import io.vertx.sqlclient.templates.SqlTemplate;
import io.vertx.sqlclient.templates.impl.SqlTemplateImpl;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link SqlTemplate#forQuery} and {@link SqlTemplate#forUpdate}, with each template's text parsed
 * once instead of at every call. Vert.x parses a template (regular expressions over the whole
 * statement, to turn {@code #{name}} into {@code $n}) each time one is made, and one is made per
 * call because it is bound to the connection it runs on: on the queue's hot path that parsing was
 * a fifth of the server's CPU. The parsed form depends only on the text and the database's
 * placeholder style (PostgreSQL's for every client here), so it is kept per text; the template
 * made from it is the one Vert.x would make.
 */
public final class Templates {
  /** Statements of the code are constants, a few hundred; beyond this many texts, parse without keeping. */
  private static final int MAX_KEPT = 2_000;
  private static final Map<String, io.vertx.sqlclient.templates.impl.SqlTemplate> PARSED = new ConcurrentHashMap<>();

  private Templates() {
  }

  /** As {@link SqlTemplate#forQuery(SqlClient, String)}. */
  public static SqlTemplate<Map<String, Object>, RowSet<Row>> forQuery(SqlClient client, String template) {
    io.vertx.sqlclient.templates.impl.SqlTemplate parsed = parsed(client, template);
    return new SqlTemplateImpl<>(client, parsed, Function.identity(), parsed::mapTuple);
  }

  /** As {@link SqlTemplate#forUpdate(SqlClient, String)}. */
  public static SqlTemplate<Map<String, Object>, SqlResult<Void>> forUpdate(SqlClient client, String template) {
    io.vertx.sqlclient.templates.impl.SqlTemplate parsed = parsed(client, template);
    return new SqlTemplateImpl<>(client, parsed, query -> query.collecting(SqlTemplateImpl.NULL_COLLECTOR),
        parsed::mapTuple);
  }

  private static io.vertx.sqlclient.templates.impl.SqlTemplate parsed(SqlClient client, String template) {
    io.vertx.sqlclient.templates.impl.SqlTemplate parsed = PARSED.get(template);
    if (parsed == null) {
      parsed = io.vertx.sqlclient.templates.impl.SqlTemplate.create((SqlClientInternal) client, template);
      if (PARSED.size() < MAX_KEPT) {
        PARSED.putIfAbsent(template, parsed);
      }
    }
    return parsed;
  }
}
