package dev.taskforge.http;

import dev.taskforge.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API: builds the router from each feature's routes and serves it. */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private Pool pool;
  private HttpServer server;

  @Override
  public Future<?> start() {
    JsonObject http = config().getJsonObject("http", new JsonObject());
    pool = Pools.create(vertx, Pools.urlFrom(config()), Pools.sizeFrom(config()), "api");
    Router router = Router.router(vertx);
    new HealthRoutes(pool, config()).mount(router);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(http.getInteger("port", 8080), http.getString("host", "0.0.0.0"))
        .onSuccess(s -> {
          server = s;
          log.info("http api listening port={} deployment={}", s.actualPort(), deploymentID());
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closeServer = server == null ? Future.succeededFuture() : server.close();
    return closeServer.eventually(() -> pool.close())
        .onComplete(ar -> log.info("http api stopped deployment={}", deploymentID()));
  }
}
