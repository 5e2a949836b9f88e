package dev.taskforge.seed;

import java.util.List;
import java.util.Map;

/** The words of the seed: titles, prompts and tags of the tasks each project holds. */
final class TaskCatalog {

  /** What a seeded task asks for; {@code executor} is claude or shell, {@code queue} where it waits. */
  record TaskSpec(String title, String description, String prompt, List<String> tags, String executor,
      String queue, int estimatedSeconds) {}

  /** A subtask with a fixed status, and its own subtasks. */
  record Subtask(String title, String prompt, String status, List<Subtask> children) {}

  /** A task broken into subtasks three levels deep. */
  record Tree(TaskSpec root, List<Subtask> children) {}

  private TaskCatalog() {
  }

  static TaskSpec agent(String title, String description, String prompt, int minutes, String... tags) {
    return new TaskSpec(title, description, prompt, List.of(tags), "claude", "agents", minutes * 60);
  }

  static TaskSpec shell(String queue, String title, String command, int minutes, String... tags) {
    return new TaskSpec(title, null, command, List.of(tags), "shell", queue, minutes * 60);
  }

  static final Map<String, List<TaskSpec>> BY_PROJECT = Map.of(
      "Taskforge operations", List.of(
          shell("maintenance", "Nightly backup of the Taskforge database",
              "java -jar /opt/taskforge/taskforge.jar backup /var/backups/taskforge/$(date +%F).tfbak", 5, "ops", "backup"),
          shell("maintenance", "Drop log partitions older than 30 days",
              "psql \"$TASKFORGE_DATABASE_URL\" -c \"SELECT drop_daily_partitions_before('execution_logs', current_date - 30)\"", 1,
              "ops", "retention"),
          agent("Review the Taskforge upgrade notes for 0.2",
              "Read the changelog and list anything that needs action before we upgrade.",
              "Read CHANGELOG.md from 0.1.0 to 0.2.0 and docs/upgrading.md. List every change that needs an operator "
                  + "action (configuration keys, migrations, API changes) with the exact step to take. Do not edit files.",
              10, "ops", "upgrade")),
      "payments-service", List.of(
          agent("Add idempotency keys to POST /v1/charges",
              "Clients retry on timeouts and we have charged twice (PAY-1423).",
              "In services/payments, accept an Idempotency-Key header on POST /v1/charges. Store the key with the "
                  + "response for 24 hours in a new idempotency_keys table (Flyway migration), return the stored "
                  + "response when the same key is replayed, and answer 409 when the key comes back with a different "
                  + "body. Add tests for replay, conflict and expiry, then run ./gradlew test and fix what fails.",
              30, "backend", "payments", "api"),
          agent("Fix the flaky RefundSchedulerTest",
              "Fails about one CI run in twenty with a timeout.",
              "RefundSchedulerTest.refundsAreRetriedAfterAnOutage fails intermittently on CI (see the last 5 runs of "
                  + "the main branch). Find the race, fix the code or the test without adding sleeps, and run the test "
                  + "200 times with --rerun-tasks to show it is stable.",
              20, "backend", "flaky-test"),
          agent("Document the SEPA mandate lifecycle",
              null,
              "Write docs/sepa-mandates.md: how a mandate is created, confirmed, used and revoked in our code, with a "
                  + "sequence diagram in Mermaid and links to the classes involved. Keep it under two pages.",
              15, "docs", "payments"),
          shell("default", "Run the payments contract tests against staging",
              "./gradlew :contract-tests:test -Penv=staging --tests '*Charges*'", 12, "backend", "contract-tests")),
      "checkout-web", List.of(
          agent("Add dark mode to the checkout page",
              "Respect prefers-color-scheme; keep the brand colours readable.",
              "In apps/checkout, add a dark theme driven by prefers-color-scheme with a toggle in the header that is "
                  + "remembered in localStorage. Use the existing design tokens in src/theme/tokens.ts; every text must "
                  + "keep a WCAG AA contrast. Update the Storybook stories and the Playwright snapshots.",
              40, "frontend", "ui", "accessibility"),
          agent("Translate the address form into German and French",
              null,
              "Extract every string of src/components/AddressForm.tsx into the i18n catalogue and add de and fr "
                  + "translations. Postal code validation must follow the country (5 digits DE, 5 digits FR).",
              25, "frontend", "i18n"),
          agent("Investigate the p95 latency regression on /api/cart",
              "p95 went from 180 ms to 420 ms after release 2024.11.3.",
              "Compare the traces of /api/cart before and after release 2024.11.3 (Grafana dashboard 'checkout-api'). "
                  + "Find what made p95 double, propose a fix with numbers, and implement it if it is smaller than 50 "
                  + "lines.",
              35, "frontend", "performance")),
      "release-engineering", List.of(
          agent("Write the 2024.12 release notes",
              null,
              "Collect the merged pull requests since tag 2024.11.3, group them by area, and write RELEASE_NOTES.md in "
                  + "the style of the previous release. Flag anything that changes an API.",
              15, "release", "docs")),
      "mobile-app", List.of(
          agent("Crash on Android 14 when the camera permission is denied",
              "Crashlytics issue 8f3a2c, 1.2k users affected.",
              "Reproduce the crash in CameraScreen when the permission is permanently denied on Android 14, fix it so "
                  + "the screen explains how to enable the permission in settings, and add an instrumented test.",
              30, "android", "bug", "crash"),
          agent("Upgrade Kotlin to 2.1 and Compose Multiplatform to 1.7",
              null,
              "Upgrade Kotlin to 2.1.0 and Compose Multiplatform to 1.7.x in gradle/libs.versions.toml, fix the "
                  + "compilation errors and deprecation warnings, and make ./gradlew check pass on both targets.",
              45, "android", "ios", "dependencies"),
          shell("default", "Build the iOS release candidate",
              "cd iosApp && xcodebuild -workspace iosApp.xcworkspace -scheme Release -archivePath build/rc.xcarchive archive",
              25, "ios", "release")),
      "platform-infra", List.of(
          agent("Move the CI runners to spot instances",
              "Cut the runner bill roughly in half.",
              "In terraform/ci-runners, switch the autoscaling group to a mixed instances policy with 80 % spot "
                  + "capacity across c6i/c6a/c7i, keep one on-demand instance, and handle the two-minute interruption "
                  + "notice by draining the runner. Run terraform plan and paste the summary in your answer.",
              40, "infra", "terraform", "cost"),
          shell("default", "Rotate the staging database credentials",
              "./scripts/rotate-credentials.sh --env staging --service payments --service checkout", 8, "infra", "security"),
          agent("Write alerts for the queue backlog",
              null,
              "Add Prometheus alert rules in monitoring/alerts/queues.yaml: page when taskforge_queue_oldest_waiting_seconds "
                  + "exceeds 600 for 10 minutes, warn at 120. Include runbook links and unit tests for promtool.",
              20, "infra", "monitoring")),
      "data-pipeline", List.of(
          agent("Backfill the missing March events",
              "The ingestion job skipped 2024-03-11 to 2024-03-13 during the broker outage.",
              "Write a one-off Airflow DAG that replays the events of 2024-03-11..13 from the S3 archive into "
                  + "warehouse.events, idempotently (MERGE on event_id). Dry-run it against the staging warehouse and "
                  + "report the row counts per day.",
              50, "data", "airflow", "backfill"),
          agent("Partition warehouse.events by month",
              null,
              "Write the migration that turns warehouse.events into a table partitioned by month on occurred_at, "
                  + "with a plan for moving 1.8 billion rows without more than 5 minutes of write downtime.",
              60, "data", "postgres", "migration"),
          shell("default", "Validate yesterday's ingestion",
              "dbt test --select source:events+ --vars '{\"day\": \"yesterday\"}'", 10, "data", "dbt")),
      "analytics-dashboards", List.of(
          agent("Explain the drop in weekly active users",
              "WAU fell 8 % week over week; product wants to know why before Monday.",
              "Using the analytics schema, break the week-over-week WAU change down by platform, country and app "
                  + "version, find the segment that explains most of the drop, and write a short summary with the SQL "
                  + "you used.",
              30, "analytics", "investigation"),
          agent("Rewrite the revenue dashboard queries for the new schema",
              null,
              "Port the 9 questions of the 'Revenue' Metabase dashboard from legacy.orders to warehouse.orders_v2; "
                  + "results must match the old ones to the cent for November.",
              45, "analytics", "sql")),
      "legacy-crm", List.of(
          shell("default", "Export the CRM contacts to CSV",
              "php artisan contacts:export --format=csv --output=/exports/contacts.csv", 15, "crm", "export"),
          agent("List the CRM features still in use",
              null,
              "From the access logs of the last 90 days in logs/, list the CRM routes still used, by number of users.",
              20, "crm", "migration")));

  /** Inbox tasks (filed under no project), per user. */
  static final Map<String, List<TaskSpec>> INBOX = Map.of(
      "alice", List.of(agent("Summarise the open pull requests waiting for my review",
          null, "List the pull requests in example/payments-service where my review is requested, oldest first, with a "
              + "two-line summary and the risk of each.", 5, "review")),
      "bob", List.of(agent("Draft the on-call handover for next week",
          null, "Summarise the incidents and open alerts of the last 7 days from the #ops channel export in "
              + "handover/ into a handover note.", 10, "on-call")),
      "carol", List.of(shell("default", "Refresh my local warehouse sample",
          "make sample-db DAYS=7", 6, "data")));

  /** Tasks broken into subtasks (depth 3), per project; the root is running and its children in all states. */
  static final Map<String, Tree> TREES = Map.of(
      "payments-service", new Tree(
          agent("Upgrade payments-service to Spring Boot 3.4",
              "Spring Boot 3.2 leaves OSS support this month.",
              "Upgrade services/payments from Spring Boot 3.2.5 to 3.4.1. Work through the subtasks in order and keep "
                  + "the build green after each one.",
              120, "backend", "dependencies", "upgrade"),
          List.of(
              leaf("Bump the Spring Boot and dependency versions", "Update build.gradle and the BOM; do not fix code yet.", "COMPLETED"),
              new Subtask("Fix the code broken by the upgrade", "Make the project compile again and the tests pass.", "RUNNING",
                  List.of(
                      new Subtask("Migrate the security configuration", "Port SecurityConfig to the 6.4 lambda DSL.", "RUNNING",
                          List.of(
                              leaf("Port the JWT filter chain", "Rewrite JwtAuthFilter registration with SecurityFilterChain beans.", "COMPLETED"),
                              leaf("Port the CORS configuration", "Move the CORS rules to a CorsConfigurationSource bean.", "QUEUED"))),
                      leaf("Replace the deprecated RestTemplate calls", "Use RestClient in PspClient and FxRateClient.", "PENDING"))),
              leaf("Run the full regression suite", "Run ./gradlew check and the contract tests; report failures.", "BLOCKED"))),
      "mobile-app", new Tree(
          agent("Ship offline mode for the order history",
              "Users on the underground lose their order list.",
              "Make the order history readable offline: cache the last 100 orders locally and sync when the network "
                  + "returns. Follow the subtasks.",
              180, "android", "ios", "offline"),
          List.of(
              new Subtask("Local storage for orders", "Add a SQLDelight database holding the last 100 orders.", "COMPLETED",
                  List.of(
                      new Subtask("Design the orders schema", "Write the .sq files and migrations.", "COMPLETED",
                          List.of(
                              leaf("Write the schema migration tests", "Cover upgrade from an empty store.", "COMPLETED"))))),
              leaf("Sync the cache when the network returns", "Use WorkManager on Android and BGTaskScheduler on iOS.", "FAILED"),
              leaf("Show an offline banner", "Add a banner to OrderHistoryScreen while offline.", "CANCELLED"))));

  private static Subtask leaf(String title, String prompt, String status) {
    return new Subtask(title, prompt, status, List.of());
  }
}
