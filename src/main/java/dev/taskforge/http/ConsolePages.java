package dev.taskforge.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The web console's pages: one HTML shell ({@code web/console.html}) for every console address,
 * whose script reads the address and draws the page from the public API. Only a browser's
 * navigation (one that accepts {@code text/html}) gets the shell; any other request to these
 * addresses falls through to the usual 404, and nothing under {@code /api} is ever a page.
 */
public final class ConsolePages {
  private static final String SHELL = "web/console.html";
  /** The console's addresses; each loads without credentials (the page then asks for them). */
  private static final List<Pattern> PAGES = List.of(
      Pattern.compile("/"),
      Pattern.compile("/tasks"),
      Pattern.compile("/tasks/[^/]+"),
      Pattern.compile("/projects"),
      Pattern.compile("/projects/[^/]+"),
      Pattern.compile("/workflows"),
      Pattern.compile("/workflows/[^/]+"),
      Pattern.compile("/workflow-runs/[^/]+"),
      Pattern.compile("/admin/users"),
      Pattern.compile("/tokens"));

  private ConsolePages() {}

  /** Whether a path is one of the console's pages. */
  static boolean isPage(String path) {
    return PAGES.stream().anyMatch(p -> p.matcher(path).matches());
  }

  /** Mounts the shell on every console address. */
  public static void mount(Router router) {
    for (Pattern page : PAGES) {
      router.getWithRegex(page.pattern()).handler(ConsolePages::shell);
    }
  }

  private static void shell(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || !accept.contains("text/html")) {
      ctx.next();
      return;
    }
    SecurityHeaders.page(ctx.response())
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .sendFile(SHELL);
  }
}
