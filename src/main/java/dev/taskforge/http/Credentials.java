package dev.taskforge.http;

import io.vertx.core.Future;
import java.util.Optional;

/** What {@link Authentication} asks of the store of sessions and API tokens (the users feature's). */
@FunctionalInterface
public interface Credentials {
  /** The principal of a live session or API token, if any. */
  Future<Optional<Principal>> authenticate(String token);
}
