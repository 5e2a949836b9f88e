package dev.taskforge.http;

/**
 * A failure with its HTTP answer: handlers throw it (or fail their future with it) and
 * {@link ErrorHandler} writes {@code {"error": {"code", "message", "field"?}}}.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  public ApiException(int status, String code, String message, String field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "invalid_request", message, field);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message, null);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found", null);
  }

  public static ApiException conflict(String code, String message, String field) {
    return new ApiException(409, code, message, field);
  }

  /**
   * The same failure about one part of a larger request: its field named under {@code part} (e.g.
   * {@code title} of {@code tasks[3]} as {@code tasks[3].title}), or the part itself when it names
   * no field.
   */
  public ApiException within(String part) {
    return new ApiException(status, code, part + ": " + getMessage(), field == null ? part : part + "." + field);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }
}
