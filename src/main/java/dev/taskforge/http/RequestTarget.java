package dev.taskforge.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Refuses a request whose path or query has a malformed percent-escape ({@code %ZZ}, a lone
 * {@code %}) before anything decodes it: Vert.x and Netty throw on such input wherever it is first
 * read, which would otherwise surface as a 500. The 400 names the path parameter (found by the
 * contract's path templates) or the query parameter.
 */
public final class RequestTarget implements Handler<RoutingContext> {
  private final List<String[]> templates;

  /** {@code paths}: the contract's path templates, {@code /api/tasks/{taskId}}. */
  public RequestTarget(List<String> paths) {
    this.templates = paths.stream().map(p -> p.split("/", -1)).toList();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String uri = ctx.request().uri();
    int question = uri.indexOf('?');
    String path = question < 0 ? uri : uri.substring(0, question);
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (!decodes(segments[i])) {
        ctx.fail(ApiException.badRequest(parameterAt(segments, i), "the path has a malformed percent-escape"));
        return;
      }
    }
    if (question >= 0) {
      for (String pair : uri.substring(question + 1).split("&")) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        if (!decodes(name) || !decodes(equals < 0 ? "" : pair.substring(equals + 1))) {
          String field = decodes(name) ? QueryStringDecoder.decodeComponent(name, StandardCharsets.UTF_8) : "query";
          ctx.fail(ApiException.badRequest(field, "query parameter " + field + " has a malformed percent-escape"));
          return;
        }
      }
    }
    ctx.next();
  }

  private static boolean decodes(String component) {
    try {
      QueryStringDecoder.decodeComponent(component, StandardCharsets.UTF_8);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The name of the path parameter at segment {@code index} of the template that fits, else "path". */
  private String parameterAt(String[] segments, int index) {
    for (String[] template : templates) {
      if (template.length != segments.length || !template[index].startsWith("{")) {
        continue;
      }
      boolean fits = true;
      for (int i = 0; i < template.length && fits; i++) {
        fits = i == index || template[i].startsWith("{") || template[i].equals(segments[i]);
      }
      if (fits) {
        return template[index].substring(1, template[index].length() - 1);
      }
    }
    return "path";
  }
}
