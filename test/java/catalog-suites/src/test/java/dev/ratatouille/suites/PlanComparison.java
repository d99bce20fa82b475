package dev.ratatouille.suites;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionUtil;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;

/**
 * Compares a server-planned file list with the client-planned one for the same scan, and fails with every difference
 * found, the most serious first.
 *
 * <p>Server-side planning may return a superset of what client planning keeps: pruning is an optimization. So:
 *
 * <ul>
 *   <li>every file the client plans must be in the server's plan (a missing file is lost data);
 *   <li>every file the server plans must be a live file of the scanned snapshot or range, that is in the client's plan
 *       of the same scan without a filter (anything else, say a deleted or a newer file, is wrong data);
 *   <li>a file in both plans must be described the same: record count, size, format, spec, partition tuple, and the
 *       same delete files attached (a missing delete resurrects rows; an extra one, say an equality delete older than
 *       the file, removes rows that should be there; an equality delete whose column stats prove it cannot match a
 *       file's rows, or any row the filter selects, is one the client leaves off, and so must the server);
 *   <li>the residual filter the server wrote for a file (read from its JSON, see {@link ServerResiduals}) must be
 *       equivalent to the client's residual for that file ({@code ExpressionUtil.equivalent} after binding);
 *   <li>with {@code includeColumnStats()}, the same counts and bounds;
 *   <li>extra files (in the server's plan, not the client's) only fail the cases marked {@code exact}.
 * </ul>
 */
final class PlanComparison {
  private PlanComparison() {}

  /** The tasks of a plan by data file location; a location planned twice is an error of its own. */
  static Map<String, FileScanTask> byLocation(
      CloseableIterable<FileScanTask> tasks, List<String> problems, String who) {
    Map<String, FileScanTask> out = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> closing = tasks) {
      for (FileScanTask task : closing) {
        if (out.put(task.file().location(), task) != null) {
          problems.add(who + " planned " + task.file().location() + " twice");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * @param caseName the test case, for the report line
   * @param schema the table schema, for the types of the column bounds
   * @param specs the table's partition specs by id
   * @param client the client's plan of the scan
   * @param universe the client's plan of the same snapshot or range without a filter
   * @param server the server's plan of the scan
   * @param statsFields the field ids whose column stats the scan asked for ({@code includeColumnStats(columns)}), to
   *     compare; null to compare none
   * @param exact whether pruning is certain for this filter, so that an extra file is an error too
   */
  static void check(
      String caseName,
      Schema schema,
      Map<Integer, PartitionSpec> specs,
      Map<String, FileScanTask> client,
      Map<String, FileScanTask> universe,
      Map<String, FileScanTask> server,
      List<String> problems,
      Set<Integer> statsFields,
      boolean exact) {
    check(caseName, schema, specs, client, universe, server, problems, statsFields, exact, null, true);
  }

  /**
   * As above, and with {@code serverResiduals} (the residual the server wrote for each data file) each file's residual
   * compared with the client's.
   */
  static void check(
      String caseName,
      Schema schema,
      Map<Integer, PartitionSpec> specs,
      Map<String, FileScanTask> client,
      Map<String, FileScanTask> universe,
      Map<String, FileScanTask> server,
      List<String> problems,
      Set<Integer> statsFields,
      boolean exact,
      Map<String, Expression> serverResiduals,
      boolean caseSensitive) {
    Set<String> missing = new TreeSet<>(client.keySet());
    missing.removeAll(server.keySet());
    for (String path : missing) problems.add("missing from the server's plan: " + path);

    Set<String> extra = new TreeSet<>(server.keySet());
    extra.removeAll(client.keySet());
    for (String path : extra) {
      if (!universe.containsKey(path)) {
        problems.add("planned by the server but not a live file of the scanned snapshot or range: " + path);
      } else if (exact) {
        problems.add("not pruned although the filter certainly excludes it: " + path);
      }
    }

    int deleteDifferences = 0;
    int residualDifferences = 0;
    for (Map.Entry<String, FileScanTask> e : client.entrySet()) {
      FileScanTask s = server.get(e.getKey());
      if (s == null) continue;
      compareTask(e.getKey(), schema, specs, e.getValue(), s, statsFields, problems);
      if (!deletes(e.getValue()).equals(deletes(s))) deleteDifferences += 1;
      if (serverResiduals != null) {
        Expression theirs = e.getValue().residual();
        Expression ours = serverResiduals.get(e.getKey());
        if (ours == null) {
          problems.add("no residual read from the server's plan for " + e.getKey());
          residualDifferences += 1;
        } else if (!ExpressionUtil.equivalent(theirs, ours, schema.asStruct(), caseSensitive)) {
          problems.add("residual of " + e.getKey() + ": client " + theirs + ", server " + ours);
          residualDifferences += 1;
        }
      }
    }

    report(caseName, client.size(), server.size(), extra.size(), deleteDifferences, residualDifferences);
  }

  private static void compareTask(
      String path,
      Schema schema,
      Map<Integer, PartitionSpec> specs,
      FileScanTask client,
      FileScanTask server,
      Set<Integer> statsFields,
      List<String> problems) {
    DataFile c = client.file();
    DataFile s = server.file();
    same(problems, path, "record count", c.recordCount(), s.recordCount());
    same(problems, path, "file size", c.fileSizeInBytes(), s.fileSizeInBytes());
    same(problems, path, "format", c.format(), s.format());
    same(problems, path, "spec id", c.specId(), s.specId());
    same(problems, path, "partition", partition(specs.get(c.specId()), c.partition()),
        partition(specs.get(s.specId()), s.partition()));
    same(problems, path, "delete files", deletes(client), deletes(server));
    if (statsFields != null) {
      // Only the requested columns: the client keeps no others, a server may send more.
      same(problems, path, "value counts", only(statsFields, c.valueCounts()), only(statsFields, s.valueCounts()));
      same(problems, path, "null value counts", only(statsFields, c.nullValueCounts()),
          only(statsFields, s.nullValueCounts()));
      same(problems, path, "NaN value counts", only(statsFields, c.nanValueCounts()),
          only(statsFields, s.nanValueCounts()));
      same(problems, path, "column sizes", only(statsFields, c.columnSizes()), only(statsFields, s.columnSizes()));
      same(problems, path, "lower bounds", bounds(schema, only(statsFields, c.lowerBounds())),
          bounds(schema, only(statsFields, s.lowerBounds())));
      same(problems, path, "upper bounds", bounds(schema, only(statsFields, c.upperBounds())),
          bounds(schema, only(statsFields, s.upperBounds())));
    }
  }

  /** The entries of {@code stats} for {@code ids}, sorted; an absent or empty map is an empty one. */
  private static <V> Map<Integer, V> only(Set<Integer> ids, Map<Integer, V> stats) {
    Map<Integer, V> out = new TreeMap<>();
    if (stats != null) stats.forEach((id, v) -> {
      if (ids.contains(id)) out.put(id, v);
    });
    return out;
  }

  private static void same(List<String> problems, String path, String what, Object client, Object server) {
    if (!Objects.equals(client, server)) {
      problems.add(what + " of " + path + ": client " + client + ", server " + server);
    }
  }

  /** The partition tuple as a list of plain values (strings for character data, whatever class carried it). */
  private static List<Object> partition(PartitionSpec spec, StructLike tuple) {
    List<Object> values = new ArrayList<>();
    if (spec == null || tuple == null) return values;
    for (int i = 0; i < spec.fields().size(); i += 1) values.add(plain(tuple.get(i, Object.class)));
    return values;
  }

  private static Set<String> deletes(FileScanTask task) {
    return task.deletes().stream().map(ContentFile::location).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Bounds decoded with the column's type, so that equal values in different encodings compare equal. */
  private static Map<Integer, Object> bounds(Schema schema, Map<Integer, ByteBuffer> raw) {
    if (raw == null) return null;
    Map<Integer, Object> out = new LinkedHashMap<>();
    for (Map.Entry<Integer, ByteBuffer> e : new TreeMap<>(raw).entrySet()) {
      Type type = schema.findType(e.getKey());
      out.put(e.getKey(), type == null ? e.getValue() : plain(Conversions.fromByteBuffer(type, e.getValue())));
    }
    return out;
  }

  private static Object plain(Object value) {
    return value instanceof CharSequence ? value.toString() : value;
  }

  /**
   * Prints, and appends to {@code -Drat.scan.report} when set, how many files each side planned: extra files are
   * legal for most filters, but how many a server returns is worth seeing.
   */
  private static void report(
      String caseName, int client, int server, int extra, int deleteDifferences, int residualDifferences) {
    String line =
        String.format(
            "%s: client %d, server %d, extra %d, delete sets differing %d, residuals differing %d",
            caseName, client, server, extra, deleteDifferences, residualDifferences);
    System.out.println("[scan-planning] " + line);
    String file = System.getProperty("rat.scan.report");
    if (file == null || file.isEmpty()) return;
    try {
      Files.writeString(
          Paths.get(file),
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
