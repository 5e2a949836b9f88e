package dev.taskforge.db.backup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders tables so that every table comes after the tables its foreign keys reference: the order
 * a restore loads them in, each checked against rows already there.
 */
final class LoadOrder {
  private final Map<String, SchemaCatalog.Table> tables;
  private final Map<String, Set<String>> references;
  private final Set<String> done = new LinkedHashSet<>();
  private final Set<String> visiting = new LinkedHashSet<>();
  private final List<SchemaCatalog.Table> ordered = new ArrayList<>();

  private LoadOrder(Map<String, SchemaCatalog.Table> tables, Map<String, Set<String>> references) {
    this.tables = tables;
    this.references = references;
  }

  /**
   * A depth-first topological sort, stable in the tables' given order. Fails when tables reference
   * each other in a cycle: our keys are not deferrable, so no load order could satisfy them.
   */
  static List<SchemaCatalog.Table> sort(Map<String, SchemaCatalog.Table> tables, Map<String, Set<String>> references) {
    LoadOrder order = new LoadOrder(tables, references);
    tables.keySet().forEach(order::visit);
    return order.ordered;
  }

  private void visit(String name) {
    if (done.contains(name) || !tables.containsKey(name)) {
      return;
    }
    if (!visiting.add(name)) {
      throw new IllegalStateException("tables " + visiting + " reference each other in a cycle; "
          + "no load order can satisfy their foreign keys, so they cannot be backed up");
    }
    for (String parent : references.getOrDefault(name, Set.of())) {
      visit(parent);
    }
    visiting.remove(name);
    done.add(name);
    ordered.add(tables.get(name));
  }
}
