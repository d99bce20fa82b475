package dev.ratatouille.suites;

import static org.apache.iceberg.expressions.Expressions.and;
import static org.apache.iceberg.expressions.Expressions.equal;
import static org.apache.iceberg.expressions.Expressions.greaterThanOrEqual;
import static org.apache.iceberg.expressions.Expressions.in;
import static org.apache.iceberg.expressions.Expressions.lessThan;
import static org.apache.iceberg.expressions.Expressions.not;
import static org.apache.iceberg.expressions.Expressions.notEqual;
import static org.apache.iceberg.expressions.Expressions.or;

import org.junit.jupiter.api.Test;

/**
 * Filters chosen for the residual each file's task carries: what is left of the filter once the file's partition
 * tuple is known, through day and bucket transforms and across an unpartitioned and an identity spec.
 */
class ScanPlanningResidualsTest extends ScanPlanningCase {
  // ---- residuals through day and bucket transforms ------------------------------------------------------------------

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

  // ---- residuals of an identity partition ---------------------------------------------------------------------------

  /** Residual true for eu files of the region spec; the whole filter for files of the unpartitioned spec. */
  @Test
  void eqDeletesEqualRegion() {
    compare(EQ_DELETES, equal("region", "eu"));
  }
}
