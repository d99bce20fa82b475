package dev.ratatouille.suites;

import static dev.ratatouille.suites.FixtureFiles.bytes;
import static dev.ratatouille.suites.FixtureFiles.dataFile;
import static dev.ratatouille.suites.FixtureFiles.day;
import static dev.ratatouille.suites.FixtureFiles.dec;
import static dev.ratatouille.suites.FixtureFiles.stats;
import static dev.ratatouille.suites.FixtureFiles.ts;
import static dev.ratatouille.suites.FixtureFiles.uuid;
import static dev.ratatouille.suites.ScanFixtures.FLAT;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

/**
 * {@code flat} (see {@link ScanFixtures}): unpartitioned, one column of each kind of primitive, three appends of files
 * with varied bounds, null and NaN counts, a file whose ids lie beyond 2^53 and a file with no column stats at all.
 */
final class FlatFixture {
  /** 2^53 + 1: a long a JSON number parsed as a double would round to 2^53. */
  static final long BEYOND_2_53 = 9007199254740993L;

  // Snapshot ids of the three appends, for useSnapshot and the incremental scan.
  long first;
  long second;
  long last;

  FlatFixture(RESTCatalog catalog) {
    Schema schema =
        new Schema(
            required(1, "id", Types.LongType.get()),
            optional(2, "name", Types.StringType.get()),
            optional(3, "price", Types.DoubleType.get()),
            optional(4, "amount", Types.DecimalType.of(10, 2)),
            optional(5, "d", Types.DateType.get()),
            optional(6, "ts", Types.TimestampType.withZone()),
            optional(7, "flag", Types.BooleanType.get()),
            optional(8, "u", Types.UUIDType.get()),
            optional(9, "b", Types.BinaryType.get()));
    Table t = catalog.buildTable(FLAT, schema).withProperty(TableProperties.FORMAT_VERSION, "2").create();
    PartitionSpec spec = t.spec();

    DataFile f1 =
        dataFile(t, spec, "flat-1", null,
            stats(t, 100)
                .bounds("id", 1L, 100L)
                .bounds("name", "apple", "banana")
                .bounds("price", 1.0, 9.5)
                .nans("price", 0)
                .bounds("amount", dec("1.00"), dec("49.99"))
                .bounds("d", day("2024-01-01"), day("2024-01-31"))
                .bounds("ts", ts("2024-01-01T00:00:00Z"), ts("2024-01-31T23:59:59Z"))
                .bounds("flag", false, false)
                .bounds("u", uuid(0x001), uuid(0x064))
                .bounds("b", bytes(0x00), bytes(0x0f)));
    DataFile f2 =
        dataFile(t, spec, "flat-2", null,
            stats(t, 100)
                .bounds("id", 101L, 200L)
                .bounds("name", "cherry", "date")
                .nulls("name", 3)
                .bounds("price", 10.0, 20.0)
                .nans("price", 5)
                .bounds("amount", dec("50.00"), dec("99.99"))
                .bounds("d", day("2024-02-01"), day("2024-02-29"))
                .bounds("ts", ts("2024-02-01T00:00:00Z"), ts("2024-02-29T23:59:59Z"))
                .bounds("flag", false, true)
                .bounds("u", uuid(0x101), uuid(0x164))
                .bounds("b", bytes(0x10), bytes(0x1f)));
    t.newAppend().appendFile(f1).appendFile(f2).commit();
    first = t.currentSnapshot().snapshotId();

    DataFile f3 =
        dataFile(t, spec, "flat-3", null,
            stats(t, 100)
                .bounds("id", 201L, 300L)
                .nulls("name", 100) // every name is null: no bounds
                .bounds("price", 20.0, 30.0)
                .nans("price", 0)
                .bounds("amount", dec("100.00"), dec("150.00"))
                .bounds("d", day("2024-03-01"), day("2024-03-31"))
                .bounds("ts", ts("2024-03-01T00:00:00Z"), ts("2024-03-31T23:59:59Z"))
                .bounds("flag", false, true)
                .bounds("u", uuid(0x201), uuid(0x264))
                .bounds("b", bytes(0x20), bytes(0x2f)));
    // No column stats at all: no filter on a column can prune it.
    DataFile f4 = dataFile(t, spec, "flat-4-nostats", null, new Metrics(50L, null, null, null, null));
    t.newAppend().appendFile(f3).appendFile(f4).commit();
    second = t.currentSnapshot().snapshotId();

    DataFile f5 =
        dataFile(t, spec, "flat-5-bigids", null,
            stats(t, 7)
                .bounds("id", BEYOND_2_53, BEYOND_2_53 + 6)
                .bounds("name", "zebra", "zulu")
                .bounds("price", 100.0, 200.0)
                .nans("price", 0)
                .bounds("amount", dec("900.00"), dec("999.99"))
                .bounds("d", day("2024-04-01"), day("2024-04-30"))
                .bounds("ts", ts("2024-04-01T00:00:00Z"), ts("2024-04-30T23:59:59Z"))
                .bounds("flag", false, false));
    DataFile f6 =
        dataFile(t, spec, "flat-6-negative", null,
            stats(t, 51)
                .bounds("id", -50L, 0L)
                .bounds("name", "aardvark", "ant")
                .bounds("price", -5.0, 0.0)
                .nans("price", 0)
                .bounds("flag", true, true));
    t.newAppend().appendFile(f5).appendFile(f6).commit();
    last = t.currentSnapshot().snapshotId();
  }
}
