package dev.taskforge.workflows;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of a step's prompt: {@code {{context.PATH}}} (the run's context),
 * {@code {{steps.KEY.result.summary}}} and {@code {{steps.KEY.result.output.PATH}}} (the result of
 * a step it depends on, directly or not). A missing value is filled in as empty text; a value that
 * is not text as its JSON. Any other {@code {{...}}} is left as it is.
 */
final class StepTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*((?:context|steps)\\.[^{}\\s]+)\\s*\\}\\}");
  private static final Pattern STEP_REFERENCE = Pattern.compile("steps\\.(.+?)\\.result\\.(summary|output(?:\\.(.+))?)");

  private StepTemplate() {
  }

  /** What a step's result offers its dependents. */
  record StepResult(String summary, JsonObject output) {
    /** The result's structured output, or its summary when that is a JSON object (a script printing one). */
    static StepResult of(String summary, JsonObject output) {
      if (output == null && summary != null && summary.strip().startsWith("{")) {
        try {
          output = new JsonObject(summary.strip());
        } catch (DecodeException notJson) {
          // a summary that only looks like JSON: no output
        }
      }
      return new StepResult(summary, output);
    }
  }

  static boolean readsSteps(String prompt) {
    Matcher m = PLACEHOLDER.matcher(prompt);
    while (m.find()) {
      if (m.group(1).startsWith("steps.")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Calls {@code onStep} with each step key the prompt reads and the placeholder, and fails with
   * the placeholder when one starting {@code steps.} is not of a form we know.
   */
  static void eachStepReference(String prompt, BiConsumer<String, String> onStep) {
    Matcher m = PLACEHOLDER.matcher(prompt);
    while (m.find()) {
      String reference = m.group(1);
      if (reference.startsWith("steps.")) {
        Matcher step = STEP_REFERENCE.matcher(reference);
        if (!step.matches()) {
          throw new IllegalArgumentException("{{" + reference + "}} is not steps.KEY.result.summary or "
              + "steps.KEY.result.output.FIELD");
        }
        onStep.accept(step.group(1), reference);
      }
    }
  }

  /** The context placeholders filled in; step placeholders left for later. */
  static String fillContext(String prompt, JsonObject context) {
    return fill(prompt, context, null);
  }

  /** Every placeholder filled in ({@code results} by step key). */
  static String fill(String prompt, JsonObject context, Map<String, StepResult> results) {
    Matcher m = PLACEHOLDER.matcher(prompt);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String reference = m.group(1);
      String value;
      if (reference.startsWith("context.")) {
        value = text(lookup(context, reference.substring("context.".length())));
      } else if (results == null) {
        value = m.group();
      } else {
        value = stepValue(reference, results);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String stepValue(String reference, Map<String, StepResult> results) {
    Matcher step = STEP_REFERENCE.matcher(reference);
    if (!step.matches()) {
      return "";
    }
    StepResult result = results.get(step.group(1));
    if (result == null) {
      return "";
    }
    if (step.group(2).equals("summary")) {
      return result.summary() == null ? "" : result.summary();
    }
    Object value = step.group(3) == null ? result.output() : lookup(result.output(), step.group(3));
    return text(value);
  }

  /** The value at a dotted path of a JSON object (array elements by index), or null. */
  static Object lookup(JsonObject root, String path) {
    Object current = root;
    for (String part : path.split("\\.")) {
      if (current instanceof JsonObject object) {
        current = object.getValue(part);
      } else if (current instanceof JsonArray array && part.matches("\\d{1,9}") && Integer.parseInt(part) < array.size()) {
        current = array.getValue(Integer.parseInt(part));
      } else {
        return null;
      }
    }
    return current;
  }

  private static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof JsonObject object) {
      return object.encode();
    }
    if (value instanceof JsonArray array) {
      return array.encode();
    }
    return String.valueOf(value);
  }

  /** The step keys a set of placeholders reads, for checks. */
  static Set<String> stepsRead(String prompt) {
    Set<String> keys = new LinkedHashSet<>();
    eachStepReference(prompt, (key, ref) -> keys.add(key));
    return keys;
  }
}
