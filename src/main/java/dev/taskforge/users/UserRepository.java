package dev.taskforge.users;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import dev.taskforge.http.UserRole;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Accounts: create, look up, update and delete users. A user may only ever act on their own row. */
public final class UserRepository {
  private final SqlClient client;

  public UserRepository(SqlClient client) {
    this.client = client;
  }

  /** Creates an account; a duplicate email fails with SQLSTATE 23505. */
  public Future<User> create(String email, String passwordHash, String displayName, UserRole role) {
    Map<String, Object> params = new HashMap<>();
    params.put("email", email);
    params.put("password_hash", passwordHash);
    params.put("display_name", displayName);
    params.put("role", role.name());
    return Templates.forQuery(client, UserSql.INSERT_USER).mapTo(User.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  /**
   * Creates an account with a live invite, consuming it in the same statement; empty (and nothing
   * changed) when the code is unknown, used, revoked or expired.
   */
  public Future<Optional<User>> createInvited(String email, String passwordHash, String displayName, Buffer codeHash) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", UUID.randomUUID());
    params.put("email", email);
    params.put("password_hash", passwordHash);
    params.put("display_name", displayName);
    params.put("code_hash", codeHash);
    return Templates.forQuery(client, UserSql.INSERT_INVITED_USER).mapTo(User.MAPPER).execute(params)
        .map(Rows::first);
  }

  /** Whether any account exists (registration decides the first one's role by it). */
  public Future<Boolean> anyUser() {
    return client.query(UserSql.ANY_USER).execute().map(rows -> rows.iterator().next().getBoolean("any_user"));
  }

  public Future<Optional<User>> findById(UUID id) {
    return Templates.forQuery(client, UserSql.USER_BY_ID).mapTo(User.MAPPER).execute(Map.of("id", id))
        .map(Rows::first);
  }

  /** Looks an account up by email, whatever its case. */
  public Future<Optional<User>> findByEmail(String email) {
    return Templates.forQuery(client, UserSql.USER_BY_EMAIL).mapTo(User.MAPPER).execute(Map.of("email", email))
        .map(Rows::first);
  }

  public Future<Optional<User>> updateDisplayName(UUID id, String displayName) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("display_name", displayName);
    return Templates.forQuery(client, UserSql.UPDATE_DISPLAY_NAME).mapTo(User.MAPPER).execute(params)
        .map(Rows::first);
  }

  /**
   * Every account, by email, after {@code afterEmail} (null for the first page). Only for admins:
   * the caller must have checked the role.
   */
  public Future<List<User>> listAllForAdmin(String afterEmail, int limit) {
    Map<String, Object> params = new HashMap<>();
    params.put("after_email", afterEmail);
    params.put("limit", limit);
    return Templates.forQuery(client, UserSql.ALL_USERS).mapTo(User.MAPPER).execute(params).map(Rows::list);
  }

  /** Makes the account with that email an admin; empty when there is none. */
  public Future<Optional<User>> promoteToAdmin(String email) {
    return Templates.forQuery(client, UserSql.PROMOTE).mapTo(User.MAPPER).execute(Map.of("email", email))
        .map(Rows::first).map(CredentialChanges::made);
  }

  /**
   * Sets an account's role and whether it may sign in (null: unchanged); empty when there is none.
   * Only for admins: the caller must have checked the role. An inactive account's sessions and
   * tokens stop working at once (authentication joins on {@code is_active}).
   */
  public Future<Optional<User>> updateRoleAndStanding(UUID id, UserRole role, Boolean active) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("role", role == null ? null : role.name());
    params.put("is_active", active);
    return Templates.forQuery(client, UserSql.UPDATE_ROLE_AND_STANDING).mapTo(User.MAPPER).execute(params)
        .map(Rows::first).map(CredentialChanges::made);
  }

  /** Deletes the account and, through the foreign keys, everything it owns. */
  public Future<Boolean> delete(UUID id) {
    return Templates.forUpdate(client, UserSql.DELETE_USER).execute(Map.of("id", id))
        .map(result -> CredentialChanges.made(result.rowCount() == 1));
  }
}
