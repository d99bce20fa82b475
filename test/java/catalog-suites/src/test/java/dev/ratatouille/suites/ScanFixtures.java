package dev.ratatouille.suites;

import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * The tables the scan-planning classes ({@link ScanPlanningCase}) plan over, built through a client-planning {@code
 * RESTCatalog}, one class per table. No data file is written: planning reads only manifests, so each data and delete
 * file is metadata (path, size, record count, partition, column stats) committed as if it had been written ({@link
 * FixtureFiles}).
 *
 * <ul>
 *   <li>{@code flat} ({@link FlatFixture}): unpartitioned, pruning by column stats of every primitive kind.
 *   <li>{@code events} ({@link EventsFixture}): partitioned by day, identity and bucket, with position and equality
 *       deletes across sequence numbers.
 *   <li>{@code evolved} ({@link EvolvedFixture}): files of two partition specs, both live.
 *   <li>{@code eqdeletes} ({@link EqDeletesFixture}): equality deletes whose column stats rule them out for some data
 *       files.
 * </ul>
 */
final class ScanFixtures {
  static final Namespace NS = Namespace.of("scan_planning");
  static final TableIdentifier FLAT = TableIdentifier.of(NS, "flat");
  static final TableIdentifier EVENTS = TableIdentifier.of(NS, "events");
  static final TableIdentifier EVOLVED = TableIdentifier.of(NS, "evolved");
  static final TableIdentifier EQ_DELETES = TableIdentifier.of(NS, "eqdeletes");

  final FlatFixture flat;
  final EventsFixture events;
  final EvolvedFixture evolved;
  final EqDeletesFixture eqDeletes;

  private ScanFixtures(RESTCatalog catalog) {
    flat = new FlatFixture(catalog);
    events = new EventsFixture(catalog);
    evolved = new EvolvedFixture(catalog);
    eqDeletes = new EqDeletesFixture(catalog);
  }

  static ScanFixtures build(RESTCatalog catalog) {
    catalog.createNamespace(NS);
    return new ScanFixtures(catalog);
  }
}
