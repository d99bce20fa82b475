package dev.ratatouille.suites;

import static dev.ratatouille.suites.FixtureFiles.dataFile;
import static dev.ratatouille.suites.FixtureFiles.day;
import static dev.ratatouille.suites.FixtureFiles.stats;
import static dev.ratatouille.suites.FixtureFiles.ts;
import static dev.ratatouille.suites.ScanFixtures.EVENTS;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.time.LocalDate;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Types;

/**
 * {@code events} (see {@link ScanFixtures}): format version 2, partitioned by {@code day(ts)}, {@code identity(region)}
 * and {@code bucket(8, id)}; three appends, then a row delta of position deletes (one partition-scoped, one with a
 * referenced data file) and equality deletes, then an append into the deleted partitions (those deletes are older than
 * the new files and must not be attached to them), then another equality delete.
 */
final class EventsFixture {
  // Snapshot ids of the commits, for useSnapshot and the incremental scans.
  long first;
  long beforeDeletes;
  long deletes;
  long afterDeletes;
  long last;

  // Paths the fixture check looks for.
  String euDay0A;
  String euDay0B;
  String euDay0New;
  String usDay1A;
  String usDay1B;
  String posDeletesEuDay0;
  String posDeletesUsDay1A;
  String eqDeletesEuDay2;
  String eqDeletesEuDay0Late;

  EventsFixture(RESTCatalog catalog) {
    Schema schema =
        new Schema(
            required(1, "id", Types.LongType.get()),
            optional(2, "name", Types.StringType.get()),
            optional(3, "region", Types.StringType.get()),
            optional(4, "ts", Types.TimestampType.withZone()),
            optional(5, "v", Types.DoubleType.get()));
    PartitionSpec wanted =
        PartitionSpec.builderFor(schema).day("ts").identity("region").bucket("id", 8).build();
    Table t =
        catalog
            .buildTable(EVENTS, schema)
            .withPartitionSpec(wanted)
            .withProperty(TableProperties.FORMAT_VERSION, "2")
            .create();
    PartitionSpec spec = t.spec();

    // Snapshot 1: days 0..2 in eu and us.
    var append = t.newAppend();
    for (int day = 0; day < 3; day += 1) {
      for (String region : new String[] {"eu", "us"}) {
        DataFile file = eventFile(t, spec, region, day, 100L * (10 * day + (region.equals("eu") ? 0 : 1)), "a");
        append.appendFile(file);
        if (day == 0 && region.equals("eu")) euDay0A = file.location();
        if (day == 1 && region.equals("us")) usDay1A = file.location();
      }
    }
    append.commit();
    first = t.currentSnapshot().snapshotId();

    // Snapshot 2: apac, and a second file in eu/day 0 and us/day 1 (same partition tuples as the first ones).
    append = t.newAppend();
    for (int day = 0; day < 3; day += 1) append.appendFile(eventFile(t, spec, "apac", day, 100L * (10 * day + 2), "a"));
    DataFile euDay0B = eventFile(t, spec, "eu", 0, 0L, "b");
    DataFile usDay1B = eventFile(t, spec, "us", 1, 1100L, "b");
    this.euDay0B = euDay0B.location();
    this.usDay1B = usDay1B.location();
    append.appendFile(euDay0B).appendFile(usDay1B).commit();

    // Snapshot 3: day 3.
    t.newAppend()
        .appendFile(eventFile(t, spec, "eu", 3, 3000L, "a"))
        .appendFile(eventFile(t, spec, "us", 3, 3100L, "a"))
        .commit();
    beforeDeletes = t.currentSnapshot().snapshotId();

    // Snapshot 4 (sequence number 4): deletes. None carries column stats, so which data files they apply to follows
    // from partition, sequence number and referenced data file alone.
    DeleteFile posEuDay0 =
        FileMetadata.deleteFileBuilder(spec)
            .ofPositionDeletes()
            .withPath(t.location() + "/data/pos-deletes-eu-day0.parquet")
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(512)
            .withRecordCount(4)
            .withPartition(eventPartition(spec, "eu", 0, 0L))
            .build();
    DeleteFile posUsDay1A =
        FileMetadata.deleteFileBuilder(spec)
            .ofPositionDeletes()
            .withPath(t.location() + "/data/pos-deletes-us-day1-a.parquet")
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(256)
            .withRecordCount(2)
            .withPartition(eventPartition(spec, "us", 1, 1100L))
            .withReferencedDataFile(usDay1A)
            .build();
    DeleteFile eqEuDay2 =
        FileMetadata.deleteFileBuilder(spec)
            .ofEqualityDeletes(t.schema().findField("id").fieldId())
            .withPath(t.location() + "/data/eq-deletes-eu-day2.parquet")
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(300)
            .withRecordCount(3)
            .withPartition(eventPartition(spec, "eu", 2, 2000L))
            .build();
    posDeletesEuDay0 = posEuDay0.location();
    posDeletesUsDay1A = posUsDay1A.location();
    eqDeletesEuDay2 = eqEuDay2.location();
    t.newRowDelta().addDeletes(posEuDay0).addDeletes(posUsDay1A).addDeletes(eqEuDay2).commit();
    deletes = t.currentSnapshot().snapshotId();

    // Snapshot 5 (sequence number 5): new files in the partitions the deletes above name; those deletes are older.
    DataFile euDay0New = eventFile(t, spec, "eu", 0, 0L, "new");
    this.euDay0New = euDay0New.location();
    t.newAppend().appendFile(euDay0New).appendFile(eventFile(t, spec, "eu", 2, 2000L, "new")).commit();
    afterDeletes = t.currentSnapshot().snapshotId();

    // Snapshot 6 (sequence number 6): an equality delete newer than every file of eu/day 0, old and new.
    DeleteFile eqEuDay0Late =
        FileMetadata.deleteFileBuilder(spec)
            .ofEqualityDeletes(t.schema().findField("id").fieldId())
            .withPath(t.location() + "/data/eq-deletes-eu-day0-late.parquet")
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(300)
            .withRecordCount(1)
            .withPartition(eventPartition(spec, "eu", 0, 0L))
            .build();
    eqDeletesEuDay0Late = eqEuDay0Late.location();
    t.newRowDelta().addDeletes(eqEuDay0Late).commit();
    last = t.currentSnapshot().snapshotId();
  }

  /** A data file of {@code events}: 100 ids from {@code firstId}, on one day, in one region. */
  private static DataFile eventFile(Table t, PartitionSpec spec, String region, int day, long firstId, String tag) {
    String date = LocalDate.parse("2024-01-01").plusDays(day).toString();
    return dataFile(t, spec, "events-" + region + "-day" + day + "-" + tag,
        eventPartition(spec, region, day, firstId),
        stats(t, 100)
            .bounds("id", firstId, firstId + 99)
            .bounds("name", "n" + firstId + "-a", "n" + firstId + "-z")
            .bounds("region", region, region)
            .bounds("ts", ts(date + "T00:00:00Z"), ts(date + "T23:59:59Z"))
            .bounds("v", (double) firstId, firstId + 99.5)
            .nans("v", 0));
  }

  /** The partition tuple (day, region, bucket of {@code id}) of {@code events}. */
  private static StructLike eventPartition(PartitionSpec spec, String region, int day, long id) {
    PartitionData p = new PartitionData(spec.partitionType());
    p.set(0, day("2024-01-01") + day);
    p.set(1, region);
    p.set(2, Transforms.bucket(8).bind(Types.LongType.get()).apply(id));
    return p;
  }
}
