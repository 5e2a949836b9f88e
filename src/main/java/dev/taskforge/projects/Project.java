package dev.taskforge.projects;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of projects. Groups of tasks belonging to one user.
 *
 * @param id Opaque identifier.
 * @param ownerId The user the project belongs to.
 * @param name Name, unique per owner regardless of case.
 * @param description Free text.
 * @param createdAt When the project was created.
 * @param updatedAt When the row last changed (maintained by trigger).
 * @param monthlyBudgetUsd What the project's runs may cost per UTC calendar month (null: no limit).
 */
public record Project(
    UUID id,
    UUID ownerId,
    String name,
    String description,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    BigDecimal monthlyBudgetUsd) {

  /** Reads a row selected with every column of projects (by name). */
  public static final RowMapper<Project> MAPPER = row -> new Project(
      row.getUUID("id"),
      row.getUUID("owner_id"),
      row.getString("name"),
      row.getString("description"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getBigDecimal("monthly_budget_usd"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("ownerId", Rows.id(ownerId))
        .put("name", name)
        .put("description", description)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt))
        .put("monthlyBudgetUsd", monthlyBudgetUsd == null ? null : monthlyBudgetUsd.doubleValue());
  }
}
