package dev.ratatouille.suites;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * What the {@link ScanFixtures} tables are made of: data files that are only metadata (path, size, record count,
 * partition, column stats), their column stats, and the literal values the fixtures and the scans' filters share.
 */
final class FixtureFiles {
  private FixtureFiles() {}

  static DataFile dataFile(Table t, PartitionSpec spec, String name, StructLike partition, Stats stats) {
    return dataFile(t, spec, name, partition, stats.metrics());
  }

  static DataFile dataFile(Table t, PartitionSpec spec, String name, StructLike partition, Metrics metrics) {
    DataFiles.Builder b =
        DataFiles.builder(spec)
            .withPath(t.location() + "/data/" + name + ".parquet")
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(4096 + 37L * metrics.recordCount())
            .withMetrics(metrics);
    if (partition != null) b.withPartition(partition);
    return b.build();
  }

  static Stats stats(Table t, long records) {
    return new Stats(t.schema(), records);
  }

  /** Column stats of one file, keyed by field id (looked up by name: the catalog assigns the ids). */
  static final class Stats {
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
