package dev.taskforge.http;

import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body the contract refuses, answered as a 400 naming the most precise field it can.
 * The validator lists its errors depth-first, wrappers ("property x does not match schema") before
 * causes; we follow the first failing branch down to its deepest value and take the cause found
 * there, so a bad item of a batch is named {@code tasks[17].priority}, not {@code tasks}.
 */
final class ContractViolation {
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
  /** Keywords whose errors only say that something below them failed. */
  private static final Set<String> WRAPPERS = Set.of("properties", "additionalProperties", "items", "prefixItems",
      "$ref", "allOf", "anyOf", "oneOf");

  private ContractViolation() {
  }

  static ApiException of(SchemaValidationException e) {
    List<OutputUnit> errors = new ArrayList<>();
    flatten(e.getOutputUnit(), errors);
    if (errors.isEmpty()) {
      return ApiException.badRequest(null, e.getMessage());
    }
    OutputUnit cause = firstBranchCause(errors);
    String field = pointerToField(cause.getInstanceLocation());
    Matcher quoted = QUOTED.matcher(cause.getError());
    if (keyword(cause).equals("required") && quoted.find()) {
      field = field == null ? quoted.group(1) : field + "." + quoted.group(1);
    }
    return ApiException.badRequest(field, cause.getError());
  }

  private static void flatten(OutputUnit unit, List<OutputUnit> into) {
    if (unit.getError() != null) {
      into.add(unit);
    }
    if (unit.getErrors() != null) {
      unit.getErrors().forEach(child -> flatten(child, into));
    }
  }

  /**
   * Walks the errors of the first failing branch (they stay at, above or below the value found so
   * far; the next branch is elsewhere) and keeps the deepest value's first real cause.
   */
  private static OutputUnit firstBranchCause(List<OutputUnit> errors) {
    OutputUnit chosen = errors.get(0);
    for (OutputUnit next : errors.subList(1, errors.size())) {
      String at = location(next);
      String chosenAt = location(chosen);
      if (isWithin(at, chosenAt)) {
        boolean deeper = !at.equals(chosenAt);
        if (deeper || isWrapper(chosen) && !isWrapper(next)) {
          chosen = next;
        }
      } else if (!isWithin(chosenAt, at)) {
        break;
      }
    }
    return chosen;
  }

  private static boolean isWithin(String location, String ancestor) {
    return location.equals(ancestor) || location.startsWith(ancestor.endsWith("/") ? ancestor : ancestor + "/");
  }

  private static String location(OutputUnit unit) {
    return unit.getInstanceLocation() == null ? "#" : unit.getInstanceLocation();
  }

  private static String keyword(OutputUnit unit) {
    String location = unit.getKeywordLocation() == null ? "" : unit.getKeywordLocation();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static boolean isWrapper(OutputUnit unit) {
    return WRAPPERS.contains(keyword(unit));
  }

  /** A JSON pointer as a field: {@code /tasks/17/priority} is {@code tasks[17].priority}. */
  private static String pointerToField(String location) {
    if (location == null) {
      return null;
    }
    String field = location.replaceFirst("^#?/?", "").replaceAll("/(\\d+)(?=/|$)", "[$1]").replace('/', '.');
    return field.isEmpty() ? null : field;
  }
}
