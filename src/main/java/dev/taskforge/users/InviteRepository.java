package dev.taskforge.users;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Invites: made, listed and revoked by admins (the caller must have checked the role); only code hashes are kept. */
public final class InviteRepository {
  private final SqlClient client;

  public InviteRepository(SqlClient client) {
    this.client = client;
  }

  public Future<Invite> create(UUID createdBy, Buffer codeHash, String note, int validHours) {
    Map<String, Object> params = new HashMap<>();
    params.put("code_hash", codeHash);
    params.put("created_by", createdBy);
    params.put("note", note);
    params.put("hours", validHours);
    return Templates.forQuery(client, UserSql.INSERT_INVITE).mapTo(Invite.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  /** Invites not revoked (live, used or expired), newest first. */
  public Future<List<Invite>> list(int limit) {
    return Templates.forQuery(client, UserSql.LIVE_AND_USED_INVITES).mapTo(Invite.MAPPER)
        .execute(Map.of("limit", limit)).map(Rows::list);
  }

  /** Withdraws an unused invite; false when there is none such. */
  public Future<Boolean> revoke(UUID id) {
    return Templates.forUpdate(client, UserSql.REVOKE_INVITE).execute(Map.of("id", id))
        .map(result -> result.rowCount() == 1);
  }
}
