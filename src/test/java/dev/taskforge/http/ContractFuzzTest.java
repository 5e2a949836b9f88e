package dev.taskforge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskforge.http.ContractOperations.Operation;
import dev.taskforge.http.MalformedInputs.Probe;
import dev.taskforge.http.RawClient.Answer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Malformed input on every operation of the contract, generated from the contract the server
 * serves, sent as a signed-in admin whose data is all around: no answer is a 5xx, none takes
 * longer than the deadline, every refusal is the one error shape and names the field, and what
 * the contract forbids changes no row.
 */
@Tag("reliability")
class ContractFuzzTest {
  private static ApiTestServer api;
  private static OwnerData owner;
  private static ContractOperations contract;
  private final List<String> failures = new ArrayList<>();
  private final Map<String, Integer> byClass = new TreeMap<>();

  @BeforeAll
  static void start() {
    api = new ApiTestServer(ContractFuzzTest.class);
    owner = new OwnerData(api, "fuzz-owner@example.com");
    contract = ContractOperations.from(api.get("/openapi.json", null).json());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void noMalformedRequestGetsA5xxOrHangsOrChangesData() throws Exception {
    MalformedInputs inputs = new MalformedInputs(new SchemaValues(owner::bodyId), owner::pathId);
    List<Probe> forbidden = new ArrayList<>();
    List<Probe> tolerated = new ArrayList<>();
    // Operations that end the caller's session or account go last, should one of them slip through.
    List<Operation> operations = contract.all().stream()
        .sorted(Comparator.comparing(o -> o.method().equals("DELETE") || o.id().equals("logout"))).toList();
    for (Operation op : operations) {
      for (Probe probe : inputs.of(op)) {
        (probe.mustReject() ? forbidden : tolerated).add(probe);
      }
    }
    RawClient client = new RawClient(api.port);
    long started = System.nanoTime();

    Map<String, String> before = DataFingerprint.of(api.db);
    forbidden.forEach(p -> judge(p, client.send(p.operation().method(), p.path(), owner.session, p.headers(), p.body()),
        null));
    Map<String, String> after = DataFingerprint.of(api.db);
    // An edge value may be refused for what the rest of the request is (a request generated from
    // the schema alone can miss a rule of the server's, a cron schedule say): that is no fault of
    // the edge value, as long as the unmodified request is refused for the very same field.
    Map<Operation, String> refusedAnyway = new HashMap<>();
    for (Probe p : tolerated) {
      Answer answer = client.send(p.operation().method(), p.path(), owner.session, p.headers(), p.body());
      if (p.label().equals(MalformedInputs.UNMODIFIED)) {
        // Only a baseline: a health check may answer 503 when a part of this test server is absent.
        refusedAnyway.put(p.operation(), answer.status() == 400 ? String.valueOf(answer.field()) : null);
        continue;
      }
      judge(p, answer, refusedAnyway.get(p.operation()));
    }

    long probed = forbidden.stream().map(Probe::operation).distinct().count();
    ReliabilityFigures.record("malformed input", String.format(
        "%d operations of %d, %d inputs (%d the contract forbids, %d edge values it allows) in %d s; answers %s",
        probed, contract.all().size(), forbidden.size() + tolerated.size(), forbidden.size(), tolerated.size(),
        (System.nanoTime() - started) / 1_000_000_000, byClass));
    failures.forEach(System.out::println);
    assertThat(probed).as("every operation of the contract is probed").isEqualTo(contract.all().size());
    assertThat(after).as("refused requests changed no row").isEqualTo(before);
    assertThat(failures).as(failures.size() + " bad answers (listed above)").isEmpty();
  }

  /**
   * Whether the field named is of the object the probe changed ({@code steps[0].waitFor.url} for a
   * probe of {@code steps[0].waitFor.intervalSeconds}): an edge value that brought the object into
   * the request may get it refused for one of its other fields.
   */
  private static boolean sameObject(String probeLabel, String named) {
    int dot = named == null ? -1 : named.lastIndexOf('.');
    return dot > 0 && probeLabel.startsWith(named.substring(0, dot + 1));
  }

  /** {@code excused}: a field the operation's unmodified request is refused for anyway (or null). */
  private void judge(Probe probe, Answer answer, String excused) {
    String status = answer.status() < 0 ? "none" : answer.status() / 100 + "xx";
    byClass.merge(status, 1, Integer::sum);
    if (answer.failure() != null) {
      failures.add(probe + ": " + answer.failure());
    } else if (answer.status() >= 500) {
      failures.add(probe + ": " + answer.status() + " " + answer.body());
    } else if (answer.status() < 400) {
      if (probe.mustReject()) {
        failures.add(probe + ": accepted (" + answer.status() + ") what the contract forbids");
      }
    } else if (answer.errorShapeProblem() != null) {
      failures.add(probe + ": " + answer.status() + " without the error shape: " + answer.errorShapeProblem());
    } else if (answer.status() == 400 && probe.field() != null && !answer.body().contains("\"malformed_json\"")
        && (answer.field() == null || !answer.field().contains(probe.field()))
        && (excused == null || !excused.equals(answer.field())) && !sameObject(probe.label(), answer.field())) {
      failures.add(probe + ": 400 naming " + answer.field() + " instead of " + probe.field() + ": " + answer.body());
    }
  }
}
