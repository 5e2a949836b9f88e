package dev.taskforge.users;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import dev.taskforge.http.UserRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The caller's own account ({@code /api/users/me}) and API tokens ({@code /api/tokens}), and the
 * admins' view of every account ({@code /api/users}).
 */
public final class AccountRoutes {
  private final UserRepository users;
  private final CredentialRepository credentials;

  public AccountRoutes(Pool pool) {
    this.users = new UserRepository(pool);
    this.credentials = new CredentialRepository(pool);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("listUsers").addHandler(this::listUsers);
    builder.getRoute("updateUser").addHandler(this::updateUser);
    builder.getRoute("getMe").addHandler(this::getMe);
    builder.getRoute("updateMe").addHandler(this::updateMe);
    builder.getRoute("deleteMe").addHandler(this::deleteMe);
    builder.getRoute("createToken").addHandler(this::createToken);
    builder.getRoute("listTokens").addHandler(this::listTokens);
    builder.getRoute("deleteToken").addHandler(this::deleteToken);
  }

  private void listUsers(RoutingContext ctx) {
    if (!Authentication.principal(ctx).isAdmin()) {
      throw new ApiException(403, "forbidden", "only admins may list users", null);
    }
    int limit = Requests.queryInt(ctx, "limit", 100);
    String after = ctx.queryParams().get("cursor");
    String afterEmail = after == null ? null : decodeCursor(after);
    users.listAllForAdmin(afterEmail, limit + 1)
        .map(found -> {
          boolean more = found.size() > limit;
          List<User> page = more ? found.subList(0, limit) : found;
          return Responses.page(page.stream().map(User::toJson).toList(),
              more ? encodeCursor(page.get(page.size() - 1).email()) : null);
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /**
   * An admin promotes, demotes, deactivates or reactivates an account. Not their own: an admin who
   * demoted or locked out themselves could leave the server with no admin at all.
   */
  private void updateUser(RoutingContext ctx) {
    if (!Authentication.principal(ctx).isAdmin()) {
      throw new ApiException(403, "forbidden", "only admins may change users", null);
    }
    UUID id = Requests.uuidParam(ctx, "userId");
    if (id.equals(Authentication.principal(ctx).userId())) {
      throw ApiException.conflict("own_account", "an admin may not change their own role or standing", "userId");
    }
    JsonObject body = Requests.body(ctx);
    UserRole role = body.getString("role") == null ? null : UserRole.valueOf(body.getString("role"));
    users.updateRoleAndStanding(id, role, body.getBoolean("isActive"))
        .map(user -> user.orElseThrow(() -> ApiException.notFound("user")).toJson())
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static String encodeCursor(String email) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(email.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The email a cursor carries. Anything else is refused: bytes that are no UTF-8, or text that is
   * no email (a NUL in it would reach PostgreSQL, which refuses it, as a 500).
   */
  private static String decodeCursor(String cursor) {
    try {
      String email = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
      if (email.indexOf('@') < 1 || email.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("not an email");
      }
      return email;
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw ApiException.badRequest("cursor", "cursor is not one this server handed out");
    }
  }

  private void getMe(RoutingContext ctx) {
    users.findById(Authentication.principal(ctx).userId())
        .map(user -> user.orElseThrow(() -> ApiException.unauthorized("account gone")).toJson())
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void updateMe(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    users.updateDisplayName(Authentication.principal(ctx).userId(), body.getString("displayName"))
        .map(user -> user.orElseThrow(() -> ApiException.unauthorized("account gone")).toJson())
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void deleteMe(RoutingContext ctx) {
    users.delete(Authentication.principal(ctx).userId())
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void createToken(RoutingContext ctx) {
    String name = Requests.body(ctx).getString("name");
    // The contract allows only known scopes, each once.
    List<String> scopes = Requests.body(ctx).getJsonArray("scopes", new JsonArray()).stream()
        .map(String.class::cast).toList();
    String token = SecretTokens.newApiToken();
    credentials.createToken(Authentication.principal(ctx).userId(), name, SecretTokens.hash(token),
            token.substring(0, 10), scopes, null)
        .onSuccess(created -> Responses.created(ctx, created.toJson().put("token", token)))
        .onFailure(err -> ctx.fail(AuthRoutes.isUniqueViolation(err)
            ? ApiException.conflict("token_name_taken", "you already have a token named " + name, "name") : err));
  }

  private void listTokens(RoutingContext ctx) {
    credentials.tokensOf(Authentication.principal(ctx).userId())
        .onSuccess(tokens -> ctx.json(Responses.page(tokens.stream().map(ApiToken::toJson).toList(), null)))
        .onFailure(ctx::fail);
  }

  private void deleteToken(RoutingContext ctx) {
    credentials.revokeToken(Authentication.principal(ctx).userId(), Requests.uuidParam(ctx, "tokenId"))
        .onSuccess(Responses.deletedOrNotFound(ctx, "token"))
        .onFailure(ctx::fail);
  }
}
