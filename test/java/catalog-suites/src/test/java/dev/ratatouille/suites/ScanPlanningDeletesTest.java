package dev.ratatouille.suites;

import static org.apache.iceberg.expressions.Expressions.alwaysTrue;
import static org.apache.iceberg.expressions.Expressions.and;
import static org.apache.iceberg.expressions.Expressions.equal;
import static org.apache.iceberg.expressions.Expressions.greaterThanOrEqual;
import static org.apache.iceberg.expressions.Expressions.isNull;
import static org.apache.iceberg.expressions.Expressions.lessThan;
import static org.apache.iceberg.expressions.Expressions.not;
import static org.apache.iceberg.expressions.Expressions.notEqual;
import static org.apache.iceberg.expressions.Expressions.or;
import static org.apache.iceberg.expressions.Expressions.startsWith;

import org.junit.jupiter.api.Test;

/**
 * Which delete files each data file carries: position and equality deletes by partition, referenced data file and
 * sequence number ({@code events}, before, at and after its deletes), and equality deletes left off the files their
 * column stats rule out ({@code eqdeletes}).
 */
class ScanPlanningDeletesTest extends ScanPlanningCase {
  // ---- events: position and equality deletes across sequence numbers ------------------------------------------------

  @Test
  void eventsBeforeDeletes() {
    compare(EVENTS, scan -> scan.useSnapshot(fx.events.beforeDeletes), alwaysTrue(), null, false);
  }

  /** The deletes' own snapshot: every delete applies to every older file of its partition (or referenced file). */
  @Test
  void eventsAtDeletes() {
    compare(EVENTS, scan -> scan.useSnapshot(fx.events.deletes), alwaysTrue(), null, false);
  }

  /** Files appended after the deletes: the deletes are older than they are and must not be attached to them. */
  @Test
  void eventsAfterDeletes() {
    compare(EVENTS, scan -> scan.useSnapshot(fx.events.afterDeletes), equal("region", "eu"), null, false);
  }

  // ---- eqdeletes: equality deletes with stats, pruned by them -------------------------------------------------------

  @Test
  void eqDeletesNoFilter() {
    compare(EQ_DELETES, alwaysTrue());
  }

  @Test
  void eqDeletesAtGlobalDeletes() {
    compare(EQ_DELETES, scan -> scan.useSnapshot(fx.eqDeletes.globalDeletes), alwaysTrue(), null, false);
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
}
