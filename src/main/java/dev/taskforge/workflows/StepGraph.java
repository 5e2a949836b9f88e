package dev.taskforge.workflows;

import dev.taskforge.http.ApiException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps of a workflow as a graph, checked when it is saved: keys unique, every dependency a
 * step of the workflow, no cycle, and every placeholder or condition reading only steps it waits
 * for. A refusal is a 400 naming the step by its index ({@code steps[2].dependsOn}) and key.
 */
final class StepGraph {
  private StepGraph() {
  }

  static void check(List<StepDefinition> steps) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      String key = steps.get(i).key();
      if (index.putIfAbsent(key, i) != null) {
        throw ApiException.badRequest(field(i, "key"), "step key " + key + " is used twice (steps["
            + index.get(key) + "] and steps[" + i + "])");
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      StepDefinition step = steps.get(i);
      Set<String> seen = new HashSet<>();
      for (String dep : step.dependsOn()) {
        if (!index.containsKey(dep)) {
          throw ApiException.badRequest(field(i, "dependsOn"), "step " + step.key() + " depends on " + dep
              + ", which is not a step of this workflow");
        }
        if (dep.equals(step.key())) {
          throw ApiException.badRequest(field(i, "dependsOn"), "step " + step.key() + " depends on itself");
        }
        if (!seen.add(dep)) {
          throw ApiException.badRequest(field(i, "dependsOn"), "step " + step.key() + " names " + dep + " twice");
        }
      }
    }
    List<String> cycle = cycle(steps);
    if (!cycle.isEmpty()) {
      throw ApiException.badRequest(field(index.get(cycle.get(0)), "dependsOn"),
          "steps form a cycle: " + String.join(" -> ", cycle));
    }
    Map<String, Set<String>> ancestors = ancestors(steps);
    for (int i = 0; i < steps.size(); i++) {
      StepDefinition step = steps.get(i);
      int at = i;
      try {
        StepTemplate.eachStepReference(step.prompt(), (key, reference) -> {
          if (!ancestors.get(step.key()).contains(key)) {
            throw ApiException.badRequest(field(at, "task.prompt"), "step " + step.key() + " reads {{" + reference
                + "}}, but does not depend on step " + key + " (directly or through others)");
          }
        });
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(field(i, "task.prompt"), "step " + step.key() + ": " + e.getMessage());
      }
      if (step.condition() != null) {
        try {
          step.condition().check(step.dependsOn(), field(i, "condition"));
        } catch (ApiException e) {
          throw new ApiException(400, e.code(), "step " + step.key() + ": " + e.getMessage(), e.field());
        }
      }
    }
  }

  /** The steps in an order where each comes after every step it depends on (the input is checked). */
  static List<StepDefinition> ordered(List<StepDefinition> steps) {
    Map<String, StepDefinition> byKey = new HashMap<>();
    steps.forEach(s -> byKey.put(s.key(), s));
    List<StepDefinition> order = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    Deque<StepDefinition> pending = new ArrayDeque<>(steps);
    while (!pending.isEmpty()) {
      StepDefinition next = pending.poll();
      if (placed.containsAll(next.dependsOn())) {
        order.add(next);
        placed.add(next.key());
      } else {
        pending.add(next);
      }
    }
    return order;
  }

  private static String field(int index, String name) {
    return "steps[" + index + "]." + name;
  }

  /** One cycle as keys (first repeated at the end), or empty; a depth-first search with colours. */
  private static List<String> cycle(List<StepDefinition> steps) {
    Map<String, List<String>> edges = new HashMap<>();
    steps.forEach(s -> edges.put(s.key(), s.dependsOn()));
    Map<String, Integer> colour = new HashMap<>(); // absent: unvisited, 1: on the path, 2: done
    for (StepDefinition start : steps) {
      if (colour.containsKey(start.key())) {
        continue;
      }
      Deque<String> path = new ArrayDeque<>();
      Deque<Iterator<String>> next = new ArrayDeque<>();
      path.push(start.key());
      next.push(edges.get(start.key()).iterator());
      colour.put(start.key(), 1);
      while (!path.isEmpty()) {
        if (next.peek().hasNext()) {
          String dep = next.peek().next();
          Integer c = colour.get(dep);
          if (c == null) {
            colour.put(dep, 1);
            path.push(dep);
            next.push(edges.get(dep).iterator());
          } else if (c == 1) {
            List<String> onPath = new ArrayList<>(path);
            Collections.reverse(onPath);
            List<String> found = new ArrayList<>(onPath.subList(onPath.indexOf(dep), onPath.size()));
            found.add(dep);
            return found;
          }
        } else {
          colour.put(path.pop(), 2);
          next.pop();
        }
      }
    }
    return List.of();
  }

  /** For each step, every step it waits for, directly or not (the graph has no cycle). */
  private static Map<String, Set<String>> ancestors(List<StepDefinition> steps) {
    Map<String, Set<String>> result = new HashMap<>();
    for (StepDefinition step : ordered(steps)) {
      Set<String> all = new HashSet<>(step.dependsOn());
      step.dependsOn().forEach(dep -> all.addAll(result.get(dep)));
      result.put(step.key(), all);
    }
    return result;
  }
}
