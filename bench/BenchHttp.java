import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests to the server's JSON API and the accounts the benches sign in with. */
final class BenchHttp {
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

  private BenchHttp() {}

  /**
   * A request to {@code url} with a 60 s timeout (a builder, so a bench can set its own): a JSON
   * body when {@code body} is not null, a bearer token when {@code token} is not null.
   */
  static HttpRequest.Builder request(String method, String url, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Registers the account (registration is open on a bench's server); one that exists already is fine. */
  static void register(HttpClient http, String base, String email, String password) throws Exception {
    HttpResponse<String> r = http.send(request("POST", base + "/api/auth/register", null, credentials(email, password))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IllegalStateException("register " + r.statusCode() + ": " + r.body());
    }
  }

  /** Logs the account in: its session token. */
  static String logIn(HttpClient http, String base, String email, String password) throws Exception {
    HttpResponse<String> r = http.send(request("POST", base + "/api/auth/login", null, credentials(email, password))
        .build(), HttpResponse.BodyHandlers.ofString());
    Matcher token = TOKEN.matcher(r.body());
    if (r.statusCode() != 200 || !token.find()) {
      throw new IllegalStateException("login " + r.statusCode() + ": " + r.body());
    }
    return token.group(1);
  }

  /** Registers the account if it is new and logs it in: its session token. */
  static String signIn(HttpClient http, String base, String email, String password) throws Exception {
    register(http, base, email, password);
    return logIn(http, base, email, password);
  }

  private static String credentials(String email, String password) {
    return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
  }
}
