package dev.ratatouille.suites;

import static dev.ratatouille.suites.FixtureFiles.dataFile;
import static dev.ratatouille.suites.FixtureFiles.stats;
import static dev.ratatouille.suites.ScanFixtures.EQ_DELETES;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import dev.ratatouille.suites.FixtureFiles.Stats;
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
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

/**
 * {@code eqdeletes} (see {@link ScanFixtures}): equality deletes with column stats, which a planner may leave off the
 * data files whose stats prove that no row can match: global ones (of the table's first, unpartitioned spec) on
 * {@code id}, on {@code name} (nulls only), on {@code (id, name)} and on {@code v}, over files with disjoint id ranges,
 * an all-null name column and no stats at all; then, after the spec gained {@code identity(region)}, partition deletes
 * whose id range meets one of the two files of their partition, and a later global one.
 */
final class EqDeletesFixture {
  /** The snapshot of the global equality deletes, before the spec gained the region. */
  long globalDeletes;

  EqDeletesFixture(RESTCatalog catalog) {
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
    globalDeletes = t.currentSnapshot().snapshotId();

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
}
