package dev.ratatouille.suites;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * The tables {@link ScanPlanningTest} plans over, built through a client-planning {@code RESTCatalog}. No data file is
 * written: planning reads only manifests, so each data and delete file is metadata (path, size, record count,
 * partition, column stats) committed as if it had been written.
 *
 * <ul>
 *   <li>{@code flat}: unpartitioned, one column of each kind of primitive, three appends of files with varied bounds,
 *       null and NaN counts, a file whose ids lie beyond 2^53 and a file with no column stats at all.
 *   <li>{@code events}: format version 2, partitioned by {@code day(ts)}, {@code identity(region)} and
 *       {@code bucket(8, id)}; three appends, then a row delta of position deletes (one partition-scoped, one with a
 *       referenced data file) and equality deletes, then an append into the deleted partitions (those deletes are
 *       older than the new files and must not be attached to them), then another equality delete.
 *   <li>{@code evolved}: files of an {@code identity(category)} spec and of the {@code day(ts)} spec that replaced it,
 *       both live.
 *   <li>{@code eqdeletes}: equality deletes with column stats, which a planner may leave off the data files whose
 *       stats prove that no row can match: global ones (of the table's first, unpartitioned spec) on {@code id}, on
 *       {@code name} (nulls only), on {@code (id, name)} and on {@code v}, over files with disjoint id ranges, an
 *       all-null name column and no stats at all; then, after the spec gained {@code identity(region)}, partition
 *       deletes whose id range meets one of the two files of their partition, and a later global one.
 * </ul>
 */
final class ScanFixtures {
  static final Namespace NS = Namespace.of("scan_planning");
  static final TableIdentifier FLAT = TableIdentifier.of(NS, "flat");
  static final TableIdentifier EVENTS = TableIdentifier.of(NS, "events");
  static final TableIdentifier EVOLVED = TableIdentifier.of(NS, "evolved");
  static final TableIdentifier EQ_DELETES = TableIdentifier.of(NS, "eqdeletes");

  /** 2^53 + 1: a long a JSON number parsed as a double would round to 2^53. */
  static final long BEYOND_2_53 = 9007199254740993L;

  // Snapshot ids of the commits, for useSnapshot and the incremental scans.
  long flatFirst;
  long flatSecond;
  long flatLast;
  long eventsFirst;
  long eventsBeforeDeletes;
  long eventsDeletes;
  long eventsAfterDeletes;
  long eventsLast;
  long evolvedOldSpec;
  long eqGlobalDeletes;
  long eqLast;

  // Paths the fixture check looks for.
  String eventsEuDay0A;
  String eventsEuDay0B;
  String eventsEuDay0New;
  String eventsUsDay1A;
  String eventsUsDay1B;
  String posDeletesEuDay0;
  String posDeletesUsDay1A;
  String eqDeletesEuDay2;
  String eqDeletesEuDay0Late;

  static ScanFixtures build(RESTCatalog catalog) {
    catalog.createNamespace(NS);
    ScanFixtures f = new ScanFixtures();
    f.buildFlat(catalog);
    f.buildEvents(catalog);
    f.buildEvolved(catalog);
    f.buildEqDeletes(catalog);
    return f;
  }

  // ---- flat -------------------------------------------------------------------------------------------------------

  private void buildFlat(RESTCatalog catalog) {
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
    flatFirst = t.currentSnapshot().snapshotId();

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
    flatSecond = t.currentSnapshot().snapshotId();

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
    flatLast = t.currentSnapshot().snapshotId();
  }

  // ---- events -----------------------------------------------------------------------------------------------------

  private void buildEvents(RESTCatalog catalog) {
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
        if (day == 0 && region.equals("eu")) eventsEuDay0A = file.location();
        if (day == 1 && region.equals("us")) eventsUsDay1A = file.location();
      }
    }
    append.commit();
    eventsFirst = t.currentSnapshot().snapshotId();

    // Snapshot 2: apac, and a second file in eu/day 0 and us/day 1 (same partition tuples as the first ones).
    append = t.newAppend();
    for (int day = 0; day < 3; day += 1) append.appendFile(eventFile(t, spec, "apac", day, 100L * (10 * day + 2), "a"));
    DataFile euDay0B = eventFile(t, spec, "eu", 0, 0L, "b");
    DataFile usDay1B = eventFile(t, spec, "us", 1, 1100L, "b");
    eventsEuDay0B = euDay0B.location();
    eventsUsDay1B = usDay1B.location();
    append.appendFile(euDay0B).appendFile(usDay1B).commit();

    // Snapshot 3: day 3.
    t.newAppend()
        .appendFile(eventFile(t, spec, "eu", 3, 3000L, "a"))
        .appendFile(eventFile(t, spec, "us", 3, 3100L, "a"))
        .commit();
    eventsBeforeDeletes = t.currentSnapshot().snapshotId();

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
            .withReferencedDataFile(eventsUsDay1A)
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
    eventsDeletes = t.currentSnapshot().snapshotId();

    // Snapshot 5 (sequence number 5): new files in the partitions the deletes above name; those deletes are older.
    DataFile euDay0New = eventFile(t, spec, "eu", 0, 0L, "new");
    eventsEuDay0New = euDay0New.location();
    t.newAppend().appendFile(euDay0New).appendFile(eventFile(t, spec, "eu", 2, 2000L, "new")).commit();
    eventsAfterDeletes = t.currentSnapshot().snapshotId();

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
    eventsLast = t.currentSnapshot().snapshotId();
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

  // ---- evolved ----------------------------------------------------------------------------------------------------

  private void buildEvolved(RESTCatalog catalog) {
    Schema schema =
        new Schema(
            required(1, "id", Types.LongType.get()),
            optional(2, "category", Types.StringType.get()),
            optional(3, "ts", Types.TimestampType.withZone()));
    Table t =
        catalog
            .buildTable(EVOLVED, schema)
            .withPartitionSpec(PartitionSpec.builderFor(schema).identity("category").build())
            .withProperty(TableProperties.FORMAT_VERSION, "2")
            .create();
    PartitionSpec oldSpec = t.spec();
    var append = t.newAppend();
    int i = 0;
    for (String category : new String[] {"a", "b", "c"}) {
      PartitionData p = new PartitionData(oldSpec.partitionType());
      p.set(0, category);
      append.appendFile(
          dataFile(t, oldSpec, "evolved-old-" + category, p,
              stats(t, 10)
                  .bounds("id", 10L * i, 10L * i + 9)
                  .bounds("category", category, category)
                  .bounds("ts", ts("2024-01-0" + (i + 1) + "T00:00:00Z"), ts("2024-01-0" + (i + 1) + "T12:00:00Z"))));
      i += 1;
    }
    append.commit();
    evolvedOldSpec = t.currentSnapshot().snapshotId();

    t.updateSpec().removeField("category").addField(Expressions.day("ts")).commit();
    PartitionSpec newSpec = t.spec();
    append = t.newAppend();
    for (int day = 0; day < 3; day += 1) {
      PartitionData p = new PartitionData(newSpec.partitionType());
      p.set(0, day("2024-01-01") + day);
      String date = LocalDate.parse("2024-01-01").plusDays(day).toString();
      append.appendFile(
          dataFile(t, newSpec, "evolved-new-day" + day, p,
              stats(t, 20)
                  .bounds("id", 100L + 20 * day, 119L + 20 * day)
                  .bounds("category", "a", day == 0 ? "a" : "c")
                  .bounds("ts", ts(date + "T00:00:00Z"), ts(date + "T23:00:00Z"))));
    }
    append.commit();
  }

  // ---- eqdeletes ----------------------------------------------------------------------------------------------------

  private void buildEqDeletes(RESTCatalog catalog) {
    Schema schema =
        new Schema(
            required(1, "id", Types.LongType.get()),
            optional(2, "name", Types.StringType.get()),
            optional(3, "region", Types.StringType.get()),
            optional(4, "v", Types.DoubleType.get()));
    Table t =
        catalog.buildTable(EQ_DELETES, schema).withProperty(TableProperties.FORMAT_VERSION, "2").create();
    PartitionSpec unpartitioned = t.spec();

    // Sequence 1: four files of the unpartitioned spec.
    t.newAppend()
        .appendFile(dataFile(t, unpartitioned, "eq-d0", null,
            stats(t, 100).bounds("id", 0L, 99L).bounds("name", "a", "m").bounds("v", 0.0, 1.0).nans("v", 0)))
        .appendFile(dataFile(t, unpartitioned, "eq-d1", null,
            stats(t, 100).bounds("id", 100L, 199L).bounds("name", "b", "n").nulls("name", 3)
                .bounds("v", 5.5, 7.0).nans("v", 0)))
        .appendFile(dataFile(t, unpartitioned, "eq-d2-null-names", null,
            stats(t, 100).bounds("id", 200L, 299L).nulls("name", 100).bounds("v", 2.0, 3.0).nans("v", 0)))
        .appendFile(dataFile(t, unpartitioned, "eq-d3-nostats", null, new Metrics(50L, null, null, null, null)))
        .commit();

    // Sequence 2: global equality deletes.
    t.newRowDelta()
        // ids 150..160: d1 and the file without stats only.
        .addDeletes(eqDelete(t, unpartitioned, "eq-del-id-150", null, stats(t, 11).bounds("id", 150L, 160L), "id"))
        // No stats at all: every older file.
        .addDeletes(eqDelete(t, unpartitioned, "eq-del-id-nostats", null, new Metrics(3L, null, null, null, null),
            "id"))
        // Only null names: files that may hold a null name (d1, d2, no stats), not d0.
        .addDeletes(eqDelete(t, unpartitioned, "eq-del-name-null", null, stats(t, 2).nulls("name", 2), "name"))
        // (id 250..260, name "zz"): d2's ids meet, but its names are all null; d0 and d1 miss on id.
        .addDeletes(eqDelete(t, unpartitioned, "eq-del-id-name", null,
            stats(t, 2).bounds("id", 250L, 260L).bounds("name", "zz", "zz"), "id", "name"))
        // v in [5.0, 6.0] without NaN: d1 only (and the file without stats).
        .addDeletes(eqDelete(t, unpartitioned, "eq-del-v", null, stats(t, 2).bounds("v", 5.0, 6.0).nans("v", 0), "v"))
        .commit();
    eqGlobalDeletes = t.currentSnapshot().snapshotId();

    // Sequence 3: partitioned by region from now on; two files per region.
    t.updateSpec().addField("region").commit();
    PartitionSpec byRegion = t.spec();
    var append = t.newAppend();
    for (String region : new String[] {"eu", "us"}) {
      for (long first : new long[] {1000L, 2000L}) {
        long firstId = first + (region.equals("eu") ? 0 : 500);
        append.appendFile(dataFile(t, byRegion, "eq-" + region + "-" + firstId, regionPartition(byRegion, region),
            stats(t, 100).bounds("id", firstId, firstId + 99).bounds("name", "c", "k").bounds("region", region, region)
                .bounds("v", 10.0, 20.0).nans("v", 0)));
      }
    }
    append.commit();

    // Sequence 4: partition deletes in eu: ids 1010..1020 meet eu's first file only; names "x".."y" meet none.
    t.newRowDelta()
        .addDeletes(eqDelete(t, byRegion, "eq-del-eu-id", regionPartition(byRegion, "eu"),
            stats(t, 5).bounds("id", 1010L, 1020L), "id"))
        .addDeletes(eqDelete(t, byRegion, "eq-del-eu-name", regionPartition(byRegion, "eu"),
            stats(t, 5).bounds("name", "x", "y"), "name"))
        .commit();

    // Sequence 5: a global delete of the old spec again, ids 2550..2560: us's second file only among the new ones.
    t.newRowDelta()
        .addDeletes(eqDelete(t, unpartitioned, "eq-del-late-global", null, stats(t, 3).bounds("id", 2550L, 2560L),
            "id"))
        .commit();
    eqLast = t.currentSnapshot().snapshotId();
  }

  private static StructLike regionPartition(PartitionSpec spec, String region) {
    PartitionData p = new PartitionData(spec.partitionType());
    p.set(0, region);
    return p;
  }

  private static DeleteFile eqDelete(
      Table t, PartitionSpec spec, String name, StructLike partition, Stats stats, String... columns) {
    return eqDelete(t, spec, name, partition, stats.metrics(), columns);
  }

  private static DeleteFile eqDelete(
      Table t, PartitionSpec spec, String name, StructLike partition, Metrics metrics, String... columns) {
    int[] ids = new int[columns.length];
    for (int i = 0; i < columns.length; i += 1) ids[i] = t.schema().findField(columns[i]).fieldId();
    FileMetadata.Builder b =
        FileMetadata.deleteFileBuilder(spec)
            .ofEqualityDeletes(ids)
            .withPath(t.location() + "/data/" + name + ".parquet")
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(256)
            .withMetrics(metrics);
    if (partition != null) b.withPartition(partition);
    return b.build();
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private static DataFile dataFile(Table t, PartitionSpec spec, String name, StructLike partition, Stats stats) {
    return dataFile(t, spec, name, partition, stats.metrics());
  }

  private static DataFile dataFile(Table t, PartitionSpec spec, String name, StructLike partition, Metrics metrics) {
    DataFiles.Builder b =
        DataFiles.builder(spec)
            .withPath(t.location() + "/data/" + name + ".parquet")
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(4096 + 37L * metrics.recordCount())
            .withMetrics(metrics);
    if (partition != null) b.withPartition(partition);
    return b.build();
  }

  private static Stats stats(Table t, long records) {
    return new Stats(t.schema(), records);
  }

  /** Column stats of one file, keyed by field id (looked up by name: the catalog assigns the ids). */
  private static final class Stats {
    private final Schema schema;
    private final long records;
    private final Map<Integer, Long> sizes = new HashMap<>();
    private final Map<Integer, Long> values = new HashMap<>();
    private final Map<Integer, Long> nulls = new HashMap<>();
    private final Map<Integer, Long> nans = new HashMap<>();
    private final Map<Integer, ByteBuffer> lower = new HashMap<>();
    private final Map<Integer, ByteBuffer> upper = new HashMap<>();

    Stats(Schema schema, long records) {
      this.schema = schema;
      this.records = records;
    }

    private int counted(String column) {
      int id = schema.findField(column).fieldId();
      values.put(id, records);
      nulls.putIfAbsent(id, 0L);
      sizes.put(id, 8 * records);
      return id;
    }

    Stats bounds(String column, Object min, Object max) {
      int id = counted(column);
      Types.NestedField field = schema.findField(column);
      lower.put(id, Conversions.toByteBuffer(field.type(), min));
      upper.put(id, Conversions.toByteBuffer(field.type(), max));
      return this;
    }

    Stats nulls(String column, long count) {
      nulls.put(counted(column), count);
      return this;
    }

    Stats nans(String column, long count) {
      nans.put(counted(column), count);
      return this;
    }

    Metrics metrics() {
      return new Metrics(records, sizes, values, nulls, nans, lower, upper);
    }
  }

  static int day(String date) {
    return DateTimeUtil.daysFromDate(LocalDate.parse(date));
  }

  static long ts(String instant) {
    return DateTimeUtil.microsFromTimestamptz(OffsetDateTime.parse(instant));
  }

  static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }

  static UUID uuid(long n) {
    return new UUID(0L, n);
  }

  static ByteBuffer bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i += 1) b[i] = (byte) values[i];
    return ByteBuffer.wrap(b);
  }
}
