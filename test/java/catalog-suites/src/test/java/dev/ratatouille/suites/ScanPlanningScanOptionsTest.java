package dev.ratatouille.suites;

import static org.apache.iceberg.expressions.Expressions.and;
import static org.apache.iceberg.expressions.Expressions.equal;
import static org.apache.iceberg.expressions.Expressions.greaterThan;
import static org.apache.iceberg.expressions.Expressions.greaterThanOrEqual;
import static org.apache.iceberg.expressions.Expressions.lessThan;
import static org.apache.iceberg.expressions.Expressions.notNull;

import java.util.List;
import org.apache.iceberg.TableScan;
import org.junit.jupiter.api.Test;

/**
 * The scan's options other than its filter and snapshot: selected columns, case-insensitive binding and the column
 * stats asked for with {@code includeColumnStats}, whose counts and bounds are compared too.
 */
class ScanPlanningScanOptionsTest extends ScanPlanningCase {
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
}
