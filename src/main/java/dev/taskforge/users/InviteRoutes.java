package dev.taskforge.users;

import dev.taskforge.http.ApiException;
import dev.taskforge.http.Authentication;
import dev.taskforge.http.Principal;
import dev.taskforge.http.Requests;
import dev.taskforge.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

/**
 * {@code /api/invites}, for admins: make a one-time registration code (shown once, kept as a hash),
 * list the invites and revoke an unused one.
 */
public final class InviteRoutes {
  static final int DEFAULT_VALID_HOURS = 72;
  static final int LIST_LIMIT = 500;

  private final InviteRepository invites;

  public InviteRoutes(Pool pool) {
    this.invites = new InviteRepository(pool);
  }

  public void mount(RouterBuilder builder) {
    builder.getRoute("createInvite").addHandler(this::create);
    builder.getRoute("listInvites").addHandler(this::list);
    builder.getRoute("revokeInvite").addHandler(this::revoke);
  }

  private void create(RoutingContext ctx) {
    Principal admin = admin(ctx);
    JsonObject body = Requests.body(ctx);
    String code = SecretTokens.newInviteCode();
    invites.create(admin.userId(), SecretTokens.hash(code), body.getString("note"),
            body.getInteger("validHours", DEFAULT_VALID_HOURS))
        .onSuccess(invite -> Responses.created(ctx, invite.toJson().put("code", code)))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    admin(ctx);
    invites.list(LIST_LIMIT)
        .onSuccess(found -> ctx.json(Responses.page(found.stream().map(Invite::toJson).toList(), null)))
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    admin(ctx);
    invites.revoke(Requests.uuidParam(ctx, "inviteId"))
        .onSuccess(Responses.deletedOrNotFound(ctx, "unused invite"))
        .onFailure(ctx::fail);
  }

  private static Principal admin(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    if (!principal.isAdmin()) {
      throw new ApiException(403, "forbidden", "only admins may manage invites", null);
    }
    return principal;
  }
}
