package dev.ratatouille.suites;

import static org.apache.iceberg.expressions.Expressions.equal;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.FileScanTask;
import org.junit.jupiter.api.Test;

/**
 * The harness itself: the fixtures plan on the client as they were designed (the reference the other classes compare
 * with), and each of the two catalogs plans where it should.
 */
class ScanPlanningHarnessTest extends ScanPlanningCase {
  /** The reference is what the fixtures meant: client planning of the built tables, deletes attached as designed. */
  @Test
  void fixturesPlanAsBuiltOnTheClient() {
    assertThat(plan(session.clientTable(FLAT).newScan())).hasSize(6);
    assertThat(plan(session.clientTable(EVOLVED).newScan())).hasSize(6);

    Map<String, FileScanTask> events = plan(session.clientTable(EVENTS).newScan());
    assertThat(events).hasSize(15);
    // Partition-scoped position deletes (sequence 4) reach the two older eu/day 0 files, not the one appended after.
    assertThat(deletesOf(events, fx.events.euDay0A))
        .containsExactlyInAnyOrder(fx.events.posDeletesEuDay0, fx.events.eqDeletesEuDay0Late);
    assertThat(deletesOf(events, fx.events.euDay0B))
        .containsExactlyInAnyOrder(fx.events.posDeletesEuDay0, fx.events.eqDeletesEuDay0Late);
    assertThat(deletesOf(events, fx.events.euDay0New)).containsExactly(fx.events.eqDeletesEuDay0Late);
    // Position deletes with a referenced data file reach that file only.
    assertThat(deletesOf(events, fx.events.usDay1A)).containsExactly(fx.events.posDeletesUsDay1A);
    assertThat(deletesOf(events, fx.events.usDay1B)).isEmpty();
    // Equality deletes (sequence 4) apply to strictly older files only: eu/day 2's first file, not the one after.
    long withEqDay2 = events.values().stream().filter(t -> deletesOf(t).contains(fx.events.eqDeletesEuDay2)).count();
    assertThat(withEqDay2).as("files the older eu/day 2 equality delete applies to").isEqualTo(1);

    // Equality deletes with stats: the client leaves them off files whose stats prove no row can match.
    Map<String, FileScanTask> eq = plan(session.clientTable(EQ_DELETES).newScan());
    assertThat(eq).hasSize(8);
    assertThat(deletesNamed(eq, "eq-d0")).containsExactly("eq-del-id-nostats");
    assertThat(deletesNamed(eq, "eq-d1"))
        .containsExactly("eq-del-id-150", "eq-del-id-nostats", "eq-del-name-null", "eq-del-v");
    assertThat(deletesNamed(eq, "eq-d2-null-names")).containsExactly("eq-del-id-nostats", "eq-del-name-null");
    assertThat(deletesNamed(eq, "eq-d3-nostats"))
        .containsExactly(
            "eq-del-id-150", "eq-del-id-name", "eq-del-id-nostats", "eq-del-late-global", "eq-del-name-null",
            "eq-del-v");
    assertThat(deletesNamed(eq, "eq-eu-1000")).containsExactly("eq-del-eu-id");
    assertThat(deletesNamed(eq, "eq-eu-2000")).isEmpty();
    assertThat(deletesNamed(eq, "eq-us-2500")).containsExactly("eq-del-late-global");
  }

  @Test
  void clientCatalogPlansOnTheClient() {
    assertThat(session.clientTable(FLAT).newScan().getClass().getSimpleName()).isNotEqualTo("RESTTableScan");
  }

  /** Without this the comparisons of the other classes would compare client planning with itself. */
  @Test
  void serverCatalogPlansOnTheServer() {
    assertThat(session.serverTable(FLAT).newScan().getClass().getSimpleName()).isEqualTo("RESTTableScan");
    assertThat(session.serverTable(EVENTS).newScan().filter(equal("region", "eu")).getClass().getSimpleName())
        .isEqualTo("RESTTableScan");
  }

  private static Set<String> deletesOf(Map<String, FileScanTask> plan, String dataFile) {
    FileScanTask task = plan.get(dataFile);
    assertThat(task).as("planned task of " + dataFile).isNotNull();
    return deletesOf(task);
  }

  /** The names of the deletes attached to the data file named {@code name} (no folder, no extension). */
  private static List<String> deletesNamed(Map<String, FileScanTask> plan, String name) {
    String location =
        plan.keySet().stream().filter(l -> l.endsWith("/" + name + ".parquet")).findFirst().orElse(name);
    return names(deletesOf(plan, location));
  }

  /** Delete file names without folder and extension: the fixture's names. */
  private static List<String> names(Set<String> locations) {
    List<String> out = new ArrayList<>();
    for (String l : locations) out.add(l.substring(l.lastIndexOf('/') + 1).replace(".parquet", ""));
    Collections.sort(out);
    return out;
  }

  private static Set<String> deletesOf(FileScanTask task) {
    Set<String> out = new TreeSet<>();
    task.deletes().forEach(d -> out.add(d.location()));
    return out;
  }
}
