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

import org.junit.jupiter.api.Test;

/**
 * Filters on {@code flat}, which is unpartitioned: pruning by column stats alone, one filter for each kind of
 * predicate and of primitive column, with null and NaN counts, bounds beyond 2^53 and a file without stats.
 */
class ScanPlanningStatsPruningTest extends ScanPlanningCase {
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
    compare(FLAT, equal("id", FlatFixture.BEYOND_2_53));
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
    compare(FLAT, greaterThan("amount", FixtureFiles.dec("120.00")));
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
    compare(FLAT, equal("u", FixtureFiles.uuid(0x150)));
  }

  @Test
  void flatEqualBinary() {
    compare(FLAT, equal("b", FixtureFiles.bytes(0x05)));
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
}
