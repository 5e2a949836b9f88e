package dev.taskforge.http;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The contract as written, for {@code GET /openapi.json}: the YAML file read as plain data. The
 * parsed contract the router works from carries keys of its own (e.g. {@code __absolute_uri__})
 * that OpenAPI tools reject, so it is never served.
 */
public final class ContractDocument {
  private ContractDocument() {
  }

  /** Reads the classpath resource {@code path}; blocking, run it off the event loop. */
  public static JsonObject read(String path) {
    try (InputStream in = ContractDocument.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the contract " + path + " is not on the classpath");
      }
      Map<String, Object> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return new JsonObject(document);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the contract " + path, e);
    }
  }
}
