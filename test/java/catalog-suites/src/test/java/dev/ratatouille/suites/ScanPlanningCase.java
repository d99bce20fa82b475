package dev.ratatouille.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Server-side scan planning ({@code POST .../plan}, {@code POST .../tasks}) through the Java client of Iceberg 1.11,
 * checked against the client's own planning of the same scans, over the tables and catalogs of one {@link
 * ScanPlanningSession}. Each test method of a subclass is one scan, compared by {@link PlanComparison}; the subclasses
 * split the cases by what they check (the harness, pruning by stats and by partitions, deletes, residuals, scan
 * options, other snapshots).
 *
 * <p>The harness was tried against Iceberg 1.11's own planning server ({@code RESTCatalogAdapter} over an
 * {@code InMemoryCatalog}, responses round-tripped through JSON): every case passed there but the three incremental
 * ones, because that server reads {@code start-snapshot-id} as inclusive where the REST spec says exclusive.
 *
 * <p>Run by test/iceberg-java-scan-planning.test.ts, all subclasses in one JVM, with {@code
 * -Drat.suites=ScanPlanning*Test}; their names do not match the catalog suites' default {@code Rat*Test}, so that run
 * leaves them out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ScanPlanningSession.Resolver.class)
abstract class ScanPlanningCase {
  static final TableIdentifier FLAT = ScanFixtures.FLAT;
  static final TableIdentifier EVENTS = ScanFixtures.EVENTS;
  static final TableIdentifier EVOLVED = ScanFixtures.EVOLVED;
  static final TableIdentifier EQ_DELETES = ScanFixtures.EQ_DELETES;

  ScanPlanningSession session;
  ScanFixtures fx;
  private String caseName;

  @BeforeAll
  void openSession(ScanPlanningSession session) {
    this.session = session;
    fx = session.fx;
  }

  @BeforeEach
  void nameCase(TestInfo info) {
    caseName = info.getTestMethod().map(m -> m.getName()).orElse(info.getDisplayName());
  }

  void compare(TableIdentifier id, Expression filter) {
    compare(id, scan -> scan, filter, null, false);
  }

  /**
   * Plans {@code options} + {@code filter} on both catalogs' table and compares (see {@link PlanComparison}).
   *
   * @param statsColumns the columns {@code options} asks for stats of, to compare them too; null for none
   * @param exact whether pruning is certain for {@code filter}, so that an extra file fails the case
   */
  void compare(
      TableIdentifier id,
      UnaryOperator<TableScan> options,
      Expression filter,
      List<String> statsColumns,
      boolean exact) {
    Table client = session.clientTable(id);
    Table server = session.serverTable(id);
    List<String> problems = new ArrayList<>();
    Map<String, FileScanTask> reference = plan(options.apply(client.newScan()).filter(filter));
    Map<String, FileScanTask> universe = plan(options.apply(client.newScan()));
    TableScan serverScan = options.apply(server.newScan()).filter(filter);
    Map<String, FileScanTask> planned = PlanComparison.byLocation(serverScan.planFiles(), problems, "the server");
    Map<String, Expression> residuals;
    try {
      Long snapshotId = serverScan.snapshot() == null ? null : serverScan.snapshot().snapshotId();
      residuals = ServerResiduals.of(session.branch.catalogUri(), id, snapshotId, filter, serverScan.isCaseSensitive());
    } catch (Exception e) {
      throw new IllegalStateException("reading the server's residuals", e);
    }
    PlanComparison.check(
        caseName,
        client.schema(),
        client.specs(),
        reference,
        universe,
        planned,
        problems,
        fieldIds(client, statsColumns),
        exact,
        residuals,
        serverScan.isCaseSensitive());
    assertThat(problems).as(caseName + " (" + filter + ")").isEmpty();
  }

  void compareIncremental(TableIdentifier id, long fromExclusive, long toInclusive) throws Exception {
    Table client = session.clientTable(id);
    List<String> problems = new ArrayList<>();
    Map<String, FileScanTask> reference =
        PlanComparison.byLocation(
            client.newIncrementalAppendScan().fromSnapshotExclusive(fromExclusive).toSnapshot(toInclusive).planFiles(),
            problems,
            "the client");
    Map<String, FileScanTask> planned;
    try (IncrementalServerPlan server = IncrementalServerPlan.over(session.branch.catalogUri())) {
      planned =
          PlanComparison.byLocation(
              server.appendsBetween(id, client, fromExclusive, toInclusive), problems, "the server");
    }
    // No filter, so the reference is the whole range: any extra file lies outside it.
    PlanComparison.check(
        caseName, client.schema(), client.specs(), reference, reference, planned, problems, null, false);
    assertThat(problems).as(caseName).isEmpty();
  }

  private static Set<Integer> fieldIds(Table table, List<String> columns) {
    if (columns == null) return null;
    Set<Integer> ids = new TreeSet<>();
    for (String column : columns) ids.add(table.schema().findField(column).fieldId());
    return ids;
  }

  Map<String, FileScanTask> plan(TableScan scan) {
    List<String> problems = new ArrayList<>();
    Map<String, FileScanTask> out = PlanComparison.byLocation(scan.planFiles(), problems, "the client");
    assertThat(problems).isEmpty();
    return out;
  }
}
