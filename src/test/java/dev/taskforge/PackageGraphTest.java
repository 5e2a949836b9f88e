package dev.taskforge;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages under {@code dev.taskforge} and the arrows allowed between them, as
 * docs/architecture.md draws them. Leaves (config, telemetry, db and the http toolkit) import no
 * feature; features import leaves and the features below them; app, at the top, wires the
 * verticles and mounts every feature's routes, and nothing imports it. A new arrow is a change
 * to {@link #ALLOWED} and to the document.
 */
class PackageGraphTest {
  private static final String ROOT = "dev.taskforge";

  /** Each package and the other packages it may import. */
  static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("config", Set.of()),
      Map.entry("telemetry", Set.of()),
      Map.entry("db", Set.of()),
      Map.entry("http", Set.of("config")),
      Map.entry("users", Set.of("config", "db", "http")),
      Map.entry("projects", Set.of("db", "http")),
      Map.entry("executions", Set.of("db")),
      Map.entry("results", Set.of("db")),
      Map.entry("executors", Set.of("config", "http", "logs")),
      Map.entry("logs", Set.of("db", "http", "telemetry")),
      Map.entry("metrics", Set.of("config", "db", "http", "telemetry")),
      Map.entry("queue", Set.of("config", "db", "http", "telemetry", "executions", "executors", "logs",
          "metrics", "results")),
      Map.entry("tasks", Set.of("db", "http", "executions", "executors", "projects", "queue", "results")),
      Map.entry("workflows", Set.of("db", "http", "executors", "queue", "tasks")),
      Map.entry("console", Set.of("http", "logs", "queue", "db")),
      Map.entry("seed", Set.of("db", "executors", "users")),
      Map.entry("app", Set.of("config", "telemetry", "db", "http", "users", "projects", "executors", "logs",
          "metrics", "queue", "tasks", "workflows", "console", "seed")));

  static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  void noTwoPackagesImportEachOtherEvenThroughOthers() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void everyPackageIsInTheGraph() {
    Set<String> packages = new TreeSet<>();
    for (JavaClass c : classes) {
      String rest = c.getPackageName().substring(ROOT.length() + 1);
      packages.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
    }
    assertThat(packages).as("the packages under " + ROOT).isEqualTo(new TreeSet<>(ALLOWED.keySet()));
  }

  @Test
  void eachPackageImportsOnlyThePackagesItIsAllowedTo() {
    ALLOWED.forEach((name, allowed) -> {
      String[] reachable = new String[allowed.size() + 1];
      reachable[0] = ROOT + "." + name + "..";
      int i = 1;
      for (String other : allowed) {
        reachable[i++] = ROOT + "." + other + "..";
      }
      DescribedPredicate<JavaClass> elsewhere = resideInAPackage(ROOT + "..")
          .and(DescribedPredicate.not(resideInAnyPackage(reachable)));
      noClasses().that().resideInAPackage(ROOT + "." + name + "..")
          .should().dependOnClassesThat(elsewhere)
          .because(name + " may import only " + new TreeSet<>(allowed))
          .check(classes);
    });
  }

  @Test
  void httpIsALeafToolkitThatImportsNoFeature() {
    noClasses().that().resideInAPackage(ROOT + ".http..")
        .should().dependOnClassesThat(resideInAPackage(ROOT + "..")
            .and(DescribedPredicate.not(resideInAnyPackage(ROOT + ".http..", ROOT + ".config.."))))
        .because("features mount their routes with http's toolkit; app mounts the features")
        .check(classes);
  }

  @Test
  void nothingImportsApp() {
    noClasses().that().resideOutsideOfPackage(ROOT + ".app..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".app..")
        .check(classes);
  }

  @Test
  void theQueueImportsNoTaskApiAndMetricsImportsNoQueue() {
    noClasses().that().resideInAPackage(ROOT + ".queue..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".tasks..", ROOT + ".workflows..", ROOT + ".console..")
        .because("the task state machine (Task, TaskStatus, Enqueuer, Cancellation, DependencyRelease, Subtasks) lives in queue")
        .check(classes);
    noClasses().that().resideInAPackage(ROOT + ".metrics..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".queue..")
        .because("queue sampling lives beside the queue and is handed to MetricsVerticle")
        .check(classes);
  }
}
