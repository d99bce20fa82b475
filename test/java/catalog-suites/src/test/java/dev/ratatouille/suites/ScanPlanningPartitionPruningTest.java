package dev.ratatouille.suites;

import static org.apache.iceberg.expressions.Expressions.alwaysTrue;
import static org.apache.iceberg.expressions.Expressions.and;
import static org.apache.iceberg.expressions.Expressions.equal;
import static org.apache.iceberg.expressions.Expressions.greaterThan;
import static org.apache.iceberg.expressions.Expressions.greaterThanOrEqual;
import static org.apache.iceberg.expressions.Expressions.in;
import static org.apache.iceberg.expressions.Expressions.isNull;
import static org.apache.iceberg.expressions.Expressions.lessThan;
import static org.apache.iceberg.expressions.Expressions.not;
import static org.apache.iceberg.expressions.Expressions.notEqual;
import static org.apache.iceberg.expressions.Expressions.notNull;
import static org.apache.iceberg.expressions.Expressions.or;
import static org.apache.iceberg.expressions.Expressions.startsWith;

import org.junit.jupiter.api.Test;

/**
 * Filters on partitioned tables: pruning by partition tuples through identity, day and bucket transforms (with column
 * stats as well), and across the two partition specs of {@code evolved}.
 */
class ScanPlanningPartitionPruningTest extends ScanPlanningCase {
  // ---- events: day(ts), identity(region), bucket(8, id) -------------------------------------------------------------

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

  // ---- evolved: files of two partition specs ------------------------------------------------------------------------

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
}
