package dev.ratatouille.suites;

import static dev.ratatouille.suites.FixtureFiles.dataFile;
import static dev.ratatouille.suites.FixtureFiles.day;
import static dev.ratatouille.suites.FixtureFiles.stats;
import static dev.ratatouille.suites.FixtureFiles.ts;
import static dev.ratatouille.suites.ScanFixtures.EVOLVED;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.time.LocalDate;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

/**
 * {@code evolved} (see {@link ScanFixtures}): files of an {@code identity(category)} spec and of the {@code day(ts)}
 * spec that replaced it, both live.
 */
final class EvolvedFixture {
  /** The snapshot of the old spec's files, before the spec changed. */
  long oldSpec;

  EvolvedFixture(RESTCatalog catalog) {
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
    this.oldSpec = t.currentSnapshot().snapshotId();

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
}
