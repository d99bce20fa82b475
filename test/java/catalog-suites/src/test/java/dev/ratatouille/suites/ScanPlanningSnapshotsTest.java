package dev.ratatouille.suites;

import static org.apache.iceberg.expressions.Expressions.alwaysTrue;
import static org.apache.iceberg.expressions.Expressions.equal;
import static org.apache.iceberg.expressions.Expressions.greaterThan;

import org.junit.jupiter.api.Test;

/**
 * Scans of other snapshots than the current one: time travel with {@code useSnapshot} (into an older partition spec
 * too), and incremental append scans between two snapshots.
 */
class ScanPlanningSnapshotsTest extends ScanPlanningCase {
  // ---- time travel --------------------------------------------------------------------------------------------------

  @Test
  void flatOlderSnapshot() {
    compare(FLAT, scan -> scan.useSnapshot(fx.flat.first), alwaysTrue(), null, false);
  }

  @Test
  void flatOlderSnapshotFiltered() {
    compare(FLAT, scan -> scan.useSnapshot(fx.flat.second), greaterThan("id", 150L), null, false);
  }

  @Test
  void evolvedOldSpecSnapshot() {
    compare(EVOLVED, scan -> scan.useSnapshot(fx.evolved.oldSpec), equal("category", "c"), null, false);
  }

  // ---- incremental appends ------------------------------------------------------------------------------------------

  @Test
  void flatIncrementalAppends() throws Exception {
    compareIncremental(FLAT, fx.flat.first, fx.flat.last);
  }

  @Test
  void eventsIncrementalAppends() throws Exception {
    compareIncremental(EVENTS, fx.events.first, fx.events.beforeDeletes);
  }

  /** The range spans the row delta, which adds no data: only the append after it counts. */
  @Test
  void eventsIncrementalAcrossDeletes() throws Exception {
    compareIncremental(EVENTS, fx.events.beforeDeletes, fx.events.last);
  }
}
