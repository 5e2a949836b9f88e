package dev.taskforge.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The contract with every request schema compiled into a validator once, at start-up, and shared
 * by every request. vertx-openapi (5.0.x) asks the contract's schema repository for a new validator
 * each time it checks a parameter or a body, and each new one copies the whole contract's schema
 * map; here the repository answers the schemas of the operations' parameters and request bodies
 * with the validators built for them, so the checks and their errors stay vertx-openapi's own.
 * A validator keeps no state between calls, so worker threads may share it.
 */
public final class PrecompiledContract implements OpenAPIContract {
  private final OpenAPIContract contract;
  private final Schemas schemas;

  public PrecompiledContract(OpenAPIContract contract) {
    this.contract = contract;
    this.schemas = new Schemas(contract.getSchemaRepository(), contract.operations());
  }

  /** Validators built so far: one per request schema at start-up, plus any asked for since. */
  public long validatorsBuilt() {
    return schemas.built.get();
  }

  /** Validations answered with a validator built at start-up. */
  public long validatorsReused() {
    return schemas.reused.get();
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return schemas;
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /**
   * The contract's repository, answering the request schemas' validators from a map filled once.
   * The map is keyed by identity: the contract hands out the same schema object for a parameter
   * or a media type every time, and hashing a schema by its content would cost a walk of it.
   */
  private static final class Schemas implements SchemaRepository {
    private final SchemaRepository repository;
    private final Map<JsonSchema, Validator> validators = new IdentityHashMap<>();
    private final AtomicLong built = new AtomicLong();
    private final AtomicLong reused = new AtomicLong();

    Schemas(SchemaRepository repository, List<Operation> operations) {
      this.repository = repository;
      for (Operation operation : operations) {
        for (Parameter parameter : operation.getParameters()) {
          compile(parameter.getSchema());
        }
        if (operation.getRequestBody() != null) {
          for (MediaType type : operation.getRequestBody().getContent().values()) {
            compile(type.getSchema());
          }
        }
      }
    }

    private void compile(JsonSchema schema) {
      if (schema != null && !validators.containsKey(schema)) {
        validators.put(schema, build(schema));
      }
    }

    private Validator build(JsonSchema schema) {
      built.incrementAndGet();
      return repository.validator(schema);
    }

    @Override
    public Validator validator(JsonSchema schema) {
      Validator validator = validators.get(schema);
      if (validator == null) {
        return build(schema); // not a request schema: as vertx-openapi would have had it
      }
      reused.incrementAndGet();
      return validator;
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      repository.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      repository.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return repository.find(pointer);
    }
  }
}
