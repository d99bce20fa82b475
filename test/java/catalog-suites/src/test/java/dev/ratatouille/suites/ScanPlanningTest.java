package dev.ratatouille.suites;

import static org.apache.iceberg.expressions.Expressions.alwaysTrue;
import static org.apache.iceberg.expressions.Expressions.and;
import static org.apache.iceberg.expressions.Expressions.equal;
import static org.apache.iceberg.expressions.Expressions.greaterThan;
import static org.apache.iceberg.expressions.Expressions.greaterThanOrEqual;
import static org.apache.iceberg.expressions.Expressions.in;
import static org.apache.iceberg.expressions.Expressions.isNaN;
import static org.apache.iceberg.expressions.Expressions.isNull;
import static org.apache.iceberg.expressions.Expressions.lessThan;
import static org.apache.iceberg.expressions.Expressions.not;
import static org.apache.iceberg.expressions.Expressions.notEqual;
import static org.apache.iceberg.expressions.Expressions.notNull;
import static org.apache.iceberg.expressions.Expressions.or;
import static org.apache.iceberg.expressions.Expressions.startsWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * Server-side scan planning ({@code POST .../plan}, {@code POST .../tasks}) through the Java client of Iceberg 1.11,
 * checked against the client's own planning of the same scans. Two {@code RESTCatalog}s on one fresh branch: {@code
 * client} plans from the manifests itself (the reference), {@code server} has {@code scan-planning-mode=server}, so its
 * tables plan with {@code RESTTableScan}. The tables ({@link ScanFixtures}) are built through {@code client}; each test
 * method is one scan, compared by {@link PlanComparison}.
 *
 * <p>The harness was tried against Iceberg 1.11's own planning server ({@code RESTCatalogAdapter} over an
 * {@code InMemoryCatalog}, responses round-tripped through JSON): every case passed there but the three incremental
 * ones, because that server reads {@code start-snapshot-id} as inclusive where the REST spec says exclusive.
 *
 * <p>Run by test/iceberg-java-scan-planning.test.ts with {@code -Drat.suites=ScanPlanningTest}; its name does not
 * match the catalog suites' default {@code Rat*Test}, so that run leaves it out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ScanPlanningTest {
  private static final TableIdentifier FLAT = ScanFixtures.FLAT;
  private static final TableIdentifier EVENTS = ScanFixtures.EVENTS;
  private static final TableIdentifier EVOLVED = ScanFixtures.EVOLVED;
  private static final TableIdentifier EQ_DELETES = ScanFixtures.EQ_DELETES;

  private SuiteBranch branch;
  private RESTCatalog clientCatalog;
  private RESTCatalog serverCatalog;
  private ScanFixtures fx;
  private String caseName;
  private final Map<TableIdentifier, Table> serverTables = new HashMap<>();

  @BeforeAll
  void buildTables() throws Exception {
    branch = SuiteBranch.create("scan-planning");
    clientCatalog = branch.newCatalog("client", Map.of());
    serverCatalog =
        branch.newCatalog("server", Map.of(RESTCatalogProperties.SCAN_PLANNING_MODE, "server"));
    fx = ScanFixtures.build(clientCatalog);
  }

  @AfterAll
  void closeCatalogs() throws Exception {
    if (clientCatalog != null) clientCatalog.close();
    if (serverCatalog != null) serverCatalog.close();
  }

  @BeforeEach
  void nameCase(TestInfo info) {
    caseName = info.getTestMethod().map(m -> m.getName()).orElse(info.getDisplayName());
  }

  // ---- the harness itself -------------------------------------------------------------------------------------------

  /** The reference is what the fixtures meant: client planning of the built tables, deletes attached as designed. */
  @Test
  void fixturesPlanAsBuiltOnTheClient() {
    assertThat(plan(clientTable(FLAT).newScan())).hasSize(6);
    assertThat(plan(clientTable(EVOLVED).newScan())).hasSize(6);

    Map<String, FileScanTask> events = plan(clientTable(EVENTS).newScan());
    assertThat(events).hasSize(15);
    // Partition-scoped position deletes (sequence 4) reach the two older eu/day 0 files, not the one appended after.
    assertThat(deletesOf(events, fx.eventsEuDay0A))
        .containsExactlyInAnyOrder(fx.posDeletesEuDay0, fx.eqDeletesEuDay0Late);
    assertThat(deletesOf(events, fx.eventsEuDay0B))
        .containsExactlyInAnyOrder(fx.posDeletesEuDay0, fx.eqDeletesEuDay0Late);
    assertThat(deletesOf(events, fx.eventsEuDay0New)).containsExactly(fx.eqDeletesEuDay0Late);
    // Position deletes with a referenced data file reach that file only.
    assertThat(deletesOf(events, fx.eventsUsDay1A)).containsExactly(fx.posDeletesUsDay1A);
    assertThat(deletesOf(events, fx.eventsUsDay1B)).isEmpty();
    // Equality deletes (sequence 4) apply to strictly older files only: eu/day 2's first file, not the one after.
    long withEqDay2 = events.values().stream().filter(t -> deletesOf(t).contains(fx.eqDeletesEuDay2)).count();
    assertThat(withEqDay2).as("files the older eu/day 2 equality delete applies to").isEqualTo(1);

    // Equality deletes with stats: the client leaves them off files whose stats prove no row can match.
    Map<String, FileScanTask> eq = plan(clientTable(EQ_DELETES).newScan());
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
    assertThat(clientTable(FLAT).newScan().getClass().getSimpleName()).isNotEqualTo("RESTTableScan");
  }

  /** Without this the comparisons below would compare client planning with itself. */
  @Test
  void serverCatalogPlansOnTheServer() {
    assertThat(serverTable(FLAT).newScan().getClass().getSimpleName()).isEqualTo("RESTTableScan");
    assertThat(serverTable(EVENTS).newScan().filter(equal("region", "eu")).getClass().getSimpleName())
        .isEqualTo("RESTTableScan");
  }

  // ---- flat: unpartitioned, pruning by column stats only ------------------------------------------------------------

  @Test
  void flatNoFilter() {
    compare(FLAT, alwaysTrue());
  }

  @Test
  void flatEqualId() {
    compare(FLAT, equal("id", 150L));
  }

  @Test
  void flatLessThanId() {
    compare(FLAT, lessThan("id", 101L));
  }

  /** 2^53 + 1 read as a double is 2^53, below the only file's lower bound: a server that does so loses the file. */
  @Test
  void flatEqualIdBeyond2To53() {
    compare(FLAT, equal("id", ScanFixtures.BEYOND_2_53));
  }

  @Test
  void flatGreaterThanOrEqualPrice() {
    compare(FLAT, greaterThanOrEqual("price", 10.0));
  }

  @Test
  void flatInName() {
    compare(FLAT, in("name", "apple", "zebra"));
  }

  @Test
  void flatNotEqualFlag() {
    compare(FLAT, notEqual("flag", true));
  }

  @Test
  void flatIsNullName() {
    compare(FLAT, isNull("name"));
  }

  @Test
  void flatNotNullName() {
    compare(FLAT, notNull("name"));
  }

  @Test
  void flatIsNaNPrice() {
    compare(FLAT, isNaN("price"));
  }

  @Test
  void flatStartsWithName() {
    compare(FLAT, startsWith("name", "ch"));
  }

  @Test
  void flatGreaterThanDecimal() {
    compare(FLAT, greaterThan("amount", ScanFixtures.dec("120.00")));
  }

  @Test
  void flatEqualDate() {
    compare(FLAT, equal("d", "2024-02-15"));
  }

  @Test
  void flatTimestamptzRange() {
    compare(
        FLAT,
        and(greaterThanOrEqual("ts", "2024-03-15T00:00:00+00:00"), lessThan("ts", "2024-04-02T00:00:00+00:00")));
  }

  @Test
  void flatEqualUuid() {
    compare(FLAT, equal("u", ScanFixtures.uuid(0x150)));
  }

  @Test
  void flatEqualBinary() {
    compare(FLAT, equal("b", ScanFixtures.bytes(0x05)));
  }

  @Test
  void flatAndOr() {
    compare(FLAT, or(and(greaterThan("id", 50L), lessThan("price", 5.0)), equal("name", "zulu")));
  }

  @Test
  void flatNotLessThan() {
    compare(FLAT, not(lessThan("id", 200L)));
  }

  /** Only the file without stats can hold an id this size. */
  @Test
  void flatMatchingNothingButTheStatlessFile() {
    compare(FLAT, equal("id", 5_000L));
  }

  @Test
  void flatOlderSnapshot() {
    compare(FLAT, scan -> scan.useSnapshot(fx.flatFirst), alwaysTrue(), null, false);
  }

  @Test
  void flatOlderSnapshotFiltered() {
    compare(FLAT, scan -> scan.useSnapshot(fx.flatSecond), greaterThan("id", 150L), null, false);
  }

  @Test
  void flatSelectColumns() {
    compare(FLAT, scan -> scan.select("id", "name"), lessThan("id", 150L), null, false);
  }

  @Test
  void flatCaseInsensitive() {
    compare(FLAT, scan -> scan.caseSensitive(false), and(greaterThan("ID", 150L), notNull("NAME")), null, false);
  }

  /** Stats of every column, each kind of bound decoded and compared. */
  @Test
  void flatColumnStatsAll() {
    List<String> all = List.of("id", "name", "price", "amount", "d", "ts", "flag", "u", "b");
    compare(FLAT, scan -> scan.includeColumnStats(all), greaterThan("id", 0L), all, false);
  }

  @Test
  void flatColumnStatsSome() {
    List<String> some = List.of("id", "price");
    compare(FLAT, scan -> scan.includeColumnStats(some), lessThan("id", 250L), some, false);
  }

  /**
   * Files only: with {@code includeColumnStats()} and no columns the 1.11 client sends no {@code stats-fields}, so a
   * server rightly leaves the stats out, although client planning keeps them all.
   */
  @Test
  void flatColumnStatsUnnamed() {
    compare(FLAT, TableScan::includeColumnStats, greaterThan("id", 0L), null, false);
  }

  @Test
  void flatIncrementalAppends() throws Exception {
    compareIncremental(FLAT, fx.flatFirst, fx.flatLast);
  }

  // ---- events: day(ts), identity(region), bucket(8, id); position and equality deletes ------------------------------

  @Test
  void eventsNoFilter() {
    compare(EVENTS, alwaysTrue());
  }

  /**
   * Exact: an identity partition's value is the column's value in every row of the file, so a file of another region
   * cannot match, and evaluating the filter on partition tuples, the least a planner does, prunes it.
   */
  @Test
  void eventsEqualRegionExact() {
    compare(EVENTS, scan -> scan, equal("region", "eu"), null, true);
  }

  /** Exact, as above: no file's region is "nowhere", so the plan must be empty. */
  @Test
  void eventsMatchingNothingExact() {
    compare(EVENTS, scan -> scan, equal("region", "nowhere"), null, true);
  }

  @Test
  void eventsInRegion() {
    compare(EVENTS, in("region", "us", "apac"));
  }

  @Test
  void eventsNotEqualRegion() {
    compare(EVENTS, notEqual("region", "eu"));
  }

  @Test
  void eventsTsFromDay() {
    compare(EVENTS, greaterThanOrEqual("ts", "2024-01-02T00:00:00+00:00"));
  }

  @Test
  void eventsTsBeforeDay() {
    compare(EVENTS, lessThan("ts", "2024-01-02T00:00:00+00:00"));
  }

  @Test
  void eventsEqualIdBucket() {
    compare(EVENTS, equal("id", 2000L));
  }

  @Test
  void eventsRegionAndTs() {
    compare(EVENTS, and(equal("region", "eu"), lessThan("ts", "2024-01-03T00:00:00+00:00")));
  }

  @Test
  void eventsRegionOrValue() {
    compare(EVENTS, or(equal("region", "apac"), greaterThan("v", 3050.0)));
  }

  @Test
  void eventsNotRegion() {
    compare(EVENTS, not(equal("region", "us")));
  }

  @Test
  void eventsIsNullRegion() {
    compare(EVENTS, isNull("region"));
  }

  @Test
  void eventsNotNullName() {
    compare(EVENTS, notNull("name"));
  }

  @Test
  void eventsStartsWithRegion() {
    compare(EVENTS, startsWith("region", "ap"));
  }

  @Test
  void eventsBeforeDeletes() {
    compare(EVENTS, scan -> scan.useSnapshot(fx.eventsBeforeDeletes), alwaysTrue(), null, false);
  }

  /** The deletes' own snapshot: every delete applies to every older file of its partition (or referenced file). */
  @Test
  void eventsAtDeletes() {
    compare(EVENTS, scan -> scan.useSnapshot(fx.eventsDeletes), alwaysTrue(), null, false);
  }

  /** Files appended after the deletes: the deletes are older than they are and must not be attached to them. */
  @Test
  void eventsAfterDeletes() {
    compare(EVENTS, scan -> scan.useSnapshot(fx.eventsAfterDeletes), equal("region", "eu"), null, false);
  }

  @Test
  void eventsSelectColumns() {
    compare(EVENTS, scan -> scan.select("id", "name"), equal("region", "us"), null, false);
  }

  @Test
  void eventsCaseInsensitive() {
    compare(EVENTS, scan -> scan.caseSensitive(false), and(equal("REGION", "eu"), greaterThan("Id", 10L)), null, false);
  }

  @Test
  void eventsColumnStats() {
    List<String> columns = List.of("id", "region", "ts", "v");
    compare(
        EVENTS,
        scan -> scan.includeColumnStats(columns),
        greaterThanOrEqual("ts", "2024-01-03T00:00:00+00:00"),
        columns,
        false);
  }

  @Test
  void eventsIncrementalAppends() throws Exception {
    compareIncremental(EVENTS, fx.eventsFirst, fx.eventsBeforeDeletes);
  }

  /** The range spans the row delta, which adds no data: only the append after it counts. */
  @Test
  void eventsIncrementalAcrossDeletes() throws Exception {
    compareIncremental(EVENTS, fx.eventsBeforeDeletes, fx.eventsLast);
  }

  // ---- evolved: files of two partition specs -----------------------------------------------------------------------

  @Test
  void evolvedNoFilter() {
    compare(EVOLVED, alwaysTrue());
  }

  @Test
  void evolvedEqualOldPartitionColumn() {
    compare(EVOLVED, equal("category", "b"));
  }

  @Test
  void evolvedTsRange() {
    compare(EVOLVED, greaterThanOrEqual("ts", "2024-01-02T00:00:00+00:00"));
  }

  @Test
  void evolvedBothSpecsColumns() {
    compare(EVOLVED, and(equal("category", "a"), lessThan("ts", "2024-01-02T00:00:00+00:00")));
  }

  @Test
  void evolvedOldSpecSnapshot() {
    compare(EVOLVED, scan -> scan.useSnapshot(fx.evolvedOldSpec), equal("category", "c"), null, false);
  }

  // ---- eqdeletes: equality deletes with stats, pruned by them; residuals of an identity partition ----------------

  @Test
  void eqDeletesNoFilter() {
    compare(EQ_DELETES, alwaysTrue());
  }

  @Test
  void eqDeletesAtGlobalDeletes() {
    compare(EQ_DELETES, scan -> scan.useSnapshot(fx.eqGlobalDeletes), alwaysTrue(), null, false);
  }

  /** Residual true for eu files of the region spec; the whole filter for files of the unpartitioned spec. */
  @Test
  void eqDeletesEqualRegion() {
    compare(EQ_DELETES, equal("region", "eu"));
  }

  /** The filter on id also rules out the deletes whose ids cannot satisfy it (Java drops them from its index). */
  @Test
  void eqDeletesIdRange() {
    compare(EQ_DELETES, and(greaterThanOrEqual("id", 1000L), lessThan("id", 2100L)));
  }

  @Test
  void eqDeletesNotRegionOrName() {
    compare(EQ_DELETES, not(or(equal("region", "us"), startsWith("name", "x"))));
  }

  @Test
  void eqDeletesNullNames() {
    compare(EQ_DELETES, and(isNull("name"), notEqual("region", "us")));
  }

  // ---- residuals through day and bucket transforms -------------------------------------------------------------

  /** Day 0's rows from noon on: kept for day 0, true for day 1, the day 2 files pruned. */
  @Test
  void eventsTsWithinDays() {
    compare(
        EVENTS,
        and(greaterThanOrEqual("ts", "2024-01-01T12:00:00+00:00"), lessThan("ts", "2024-01-03T00:00:00+00:00")));
  }

  /** A bucket other than id 2000's proves id != 2000 (strict projection); in the bucket of 2000 it stays. */
  @Test
  void eventsNotEqualIdBucket() {
    compare(EVENTS, notEqual("id", 2000L));
  }

  @Test
  void eventsInIdsAndRegions() {
    compare(EVENTS, and(in("id", 0L, 1100L, 2050L), in("region", "eu", "us")));
  }

  @Test
  void eventsNotInRegionOrLate() {
    compare(EVENTS, or(not(in("region", "eu", "apac")), greaterThanOrEqual("ts", "2024-01-04T00:00:00+00:00")));
  }

  // ---- plumbing -----------------------------------------------------------------------------------------------------

  private void compare(TableIdentifier id, Expression filter) {
    compare(id, scan -> scan, filter, null, false);
  }

  /**
   * Plans {@code options} + {@code filter} on both catalogs' table and compares (see {@link PlanComparison}).
   *
   * @param statsColumns the columns {@code options} asks for stats of, to compare them too; null for none
   * @param exact whether pruning is certain for {@code filter}, so that an extra file fails the case
   */
  private void compare(
      TableIdentifier id,
      UnaryOperator<TableScan> options,
      Expression filter,
      List<String> statsColumns,
      boolean exact) {
    Table client = clientTable(id);
    Table server = serverTable(id);
    List<String> problems = new ArrayList<>();
    Map<String, FileScanTask> reference = plan(options.apply(client.newScan()).filter(filter));
    Map<String, FileScanTask> universe = plan(options.apply(client.newScan()));
    TableScan serverScan = options.apply(server.newScan()).filter(filter);
    Map<String, FileScanTask> planned = PlanComparison.byLocation(serverScan.planFiles(), problems, "the server");
    Map<String, Expression> residuals;
    try {
      Long snapshotId = serverScan.snapshot() == null ? null : serverScan.snapshot().snapshotId();
      residuals = ServerResiduals.of(branch.catalogUri(), id, snapshotId, filter, serverScan.isCaseSensitive());
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

  private void compareIncremental(TableIdentifier id, long fromExclusive, long toInclusive) throws Exception {
    Table client = clientTable(id);
    List<String> problems = new ArrayList<>();
    Map<String, FileScanTask> reference =
        PlanComparison.byLocation(
            client.newIncrementalAppendScan().fromSnapshotExclusive(fromExclusive).toSnapshot(toInclusive).planFiles(),
            problems,
            "the client");
    Map<String, FileScanTask> planned;
    try (IncrementalServerPlan server = IncrementalServerPlan.over(branch.catalogUri())) {
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
    Set<Integer> ids = new java.util.TreeSet<>();
    for (String column : columns) ids.add(table.schema().findField(column).fieldId());
    return ids;
  }

  private Map<String, FileScanTask> plan(TableScan scan) {
    List<String> problems = new ArrayList<>();
    Map<String, FileScanTask> out = PlanComparison.byLocation(scan.planFiles(), problems, "the client");
    assertThat(problems).isEmpty();
    return out;
  }

  private Table clientTable(TableIdentifier id) {
    return clientCatalog.loadTable(id);
  }

  /** Loaded once per table; loading is where a server that does not advertise the plan endpoint is refused. */
  private Table serverTable(TableIdentifier id) {
    return serverTables.computeIfAbsent(id, serverCatalog::loadTable);
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
    java.util.Collections.sort(out);
    return out;
  }

  private static Set<String> deletesOf(FileScanTask task) {
    Set<String> out = new java.util.TreeSet<>();
    task.deletes().forEach(d -> out.add(d.location()));
    return out;
  }
}
