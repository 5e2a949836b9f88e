package dev.taskforge.http;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends requests exactly as given (any bytes, any content type, any path) with a deadline, and
 * says whether the answer is a well-formed error; the reliability tests judge servers by it.
 */
final class RawClient {
  static final Duration DEADLINE = Duration.ofSeconds(15);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  /** What came back; {@code failure} says why nothing did (a deadline passed, a connection broke). */
  record Answer(int status, String contentType, String body, String failure) {
    JsonObject json() {
      try {
        return body == null || body.isBlank() ? null : new JsonObject(body);
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** The {"error": {"code", "message", "field"?}} shape, nothing else in it; null when it is. */
    String errorShapeProblem() {
      if (!contentType.startsWith("application/json")) {
        return "content type " + contentType;
      }
      JsonObject json = json();
      if (json == null || json.size() != 1 || !(json.getValue("error") instanceof JsonObject error)) {
        return "not an error object";
      }
      boolean fieldsKnown = error.fieldNames().stream().allMatch(f -> Set.of("code", "message", "field").contains(f));
      return error.getValue("code") instanceof String && error.getValue("message") instanceof String && fieldsKnown
          && (error.getValue("field") == null || error.getValue("field") instanceof String)
          ? null : "error object " + error.encode();
    }

    String field() {
      JsonObject json = json();
      return json == null || json.getJsonObject("error") == null ? null : json.getJsonObject("error").getString("field");
    }
  }

  RawClient(int port) {
    this.port = port;
  }

  Answer send(String method, String path, String token, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(DEADLINE)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    } catch (IllegalArgumentException e) {
      return overSocket(method, path, token, body); // a path URI refuses (e.g. a bad %-escape)
    }
    if (body != null && !headers.containsKey("Content-Type")) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach((k, v) -> {
      if (!v.isEmpty()) {
        request.header(k, v);
      }
    });
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
          response.body(), null);
    } catch (HttpTimeoutException e) {
      return new Answer(-1, "", null, "no answer within " + DEADLINE.toSeconds() + " s");
    } catch (IOException e) {
      return new Answer(-1, "", null, "connection failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Writes the request by hand, for paths no URI class will build; reads the status line and body. */
  private Answer overSocket(String method, String path, String token, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) DEADLINE.toMillis());
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      if (token != null) {
        head.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      byte[] content = body == null ? new byte[0] : body;
      head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n\r\n");
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(content);
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      int split = answer.indexOf("\r\n\r\n");
      Matcher type = Pattern.compile("(?im)^content-type:\\s*(\\S+)").matcher(answer);
      return new Answer(status, type.find() ? type.group(1) : "", split < 0 ? "" : answer.substring(split + 4), null);
    } catch (SocketTimeoutException e) {
      return new Answer(-1, "", null, "no answer within " + DEADLINE.toSeconds() + " s");
    } catch (IOException | RuntimeException e) {
      return new Answer(-1, "", null, "connection failed: " + e);
    }
  }
}
