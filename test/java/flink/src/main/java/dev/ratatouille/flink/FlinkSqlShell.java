package dev.ratatouille.flink;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs Flink SQL statements read from stdin against an embedded Flink (one MiniCluster in this JVM runs every job)
 * and answers each with one JSON line on stdout, so that a test can drive Flink statement by statement and assert in
 * its own language. Started by test/support/clients/flink.ts.
 *
 * <p>Input: one statement per line, {@code batch <sql>} or {@code streaming <sql>}. Batch and streaming are two table
 * environments (a mode is fixed when one is created); a catalog must be created in each that uses it. The streaming
 * one checkpoints every {@code -Drat.flink.checkpoint} (default 1s), which is when Iceberg's sink commits.
 *
 * <p>Output: {@code @@rat {"ok":true,"columns":[...],"rows":[[...]],"kinds":["+I",...],"ms":N}} or
 * {@code @@rat {"ok":false,"error":"...","causes":["...",...]}}. The prefix keeps Flink's own stdout noise apart.
 */
public final class FlinkSqlShell {
  private static final String PREFIX = "@@rat ";
  /** Integers beyond this lose precision in a JSON reader that uses doubles (JavaScript): sent as strings. */
  private static final long SAFE_INTEGER = (1L << 53) - 1;
  /** Statements whose job writes: answered when the job finished rather than by reading rows. */
  private static final Pattern WRITES =
      Pattern.compile("\\s*(INSERT|EXECUTE\\s+STATEMENT\\s+SET|EXECUTE\\s+INSERT)\\b", Pattern.CASE_INSENSITIVE);

  private FlinkSqlShell() {}

  public static void main(String[] args) throws Exception {
    // Flink's banners go to System.out: answers get their own stream so that nothing interleaves with them.
    PrintStream answers = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
    System.setOut(System.err);

    // One MiniCluster for every job: Flink's local executor would start (and stop) a cluster per job, seconds each.
    Configuration clusterConf = new Configuration();
    clusterConf.setString("rest.bind-address", "127.0.0.1");
    clusterConf.setString("rest.address", "127.0.0.1");
    clusterConf.setString("rest.port", "0");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    cluster.start();
    URI rest = cluster.getRestAddress().get();

    TableEnvironment batch = TableEnvironment.create(settings(false, rest));
    TableEnvironment streaming = TableEnvironment.create(settings(true, rest));
    answers.println(PREFIX + "{\"ok\":true,\"ready\":true}");

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) continue;
      int space = line.indexOf(' ');
      String mode = space < 0 ? line : line.substring(0, space);
      String sql = space < 0 ? "" : line.substring(space + 1);
      TableEnvironment env = "streaming".equals(mode) ? streaming : "batch".equals(mode) ? batch : null;
      String answer;
      if (env == null) {
        answer = "{\"ok\":false,\"error\":" + json("unknown mode " + mode + ": start a line with batch or streaming") + "}";
      } else {
        answer = run(env, sql);
      }
      answers.println(PREFIX + answer);
    }
    // stdin closed: the test is done. The cluster's threads would keep the JVM alive, so stop it and exit.
    cluster.closeAsync().get(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static EnvironmentSettings settings(boolean streaming, URI cluster) {
    Configuration conf = new Configuration();
    // Jobs go to the shared MiniCluster through its REST endpoint, as they would to a real cluster; the job's
    // classes are this JVM's, so there is nothing to ship.
    conf.setString("execution.target", "remote");
    conf.setString("rest.address", cluster.getHost());
    conf.setString("rest.port", Integer.toString(cluster.getPort()));
    // Two cores are shared by the whole test machine: parallelism 1 keeps every job small.
    conf.setString("parallelism.default", "1");
    // A failed job is the answer: restarting it from a checkpoint would hide the error and hang the statement.
    conf.setString("restart-strategy.type", "none");
    if (streaming) {
      Duration interval = Duration.parse("PT" + System.getProperty("rat.flink.checkpoint", "1s").toUpperCase());
      conf.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
    }
    EnvironmentSettings.Builder b = EnvironmentSettings.newInstance().withConfiguration(conf);
    return (streaming ? b.inStreamingMode() : b.inBatchMode()).build();
  }

  /** Executes one statement and waits for its job (an INSERT's too), returning the answer line. */
  private static String run(TableEnvironment env, String sql) {
    long start = System.nanoTime();
    try {
      TableResult result = env.executeSql(sql);
      List<String> columns = result.getResolvedSchema().getColumnNames();
      StringBuilder rows = new StringBuilder();
      StringBuilder kinds = new StringBuilder();
      if (WRITES.matcher(sql).lookingAt()) {
        // An INSERT answers once its job finished, i.e. once Iceberg's committer committed its last checkpoint.
        // Its only row is a placeholder count, and closing its iterator after the job would cancel a finished job.
        result.await();
        return answer(columns, "", "", result, start);
      }
      try (CloseableIterator<Row> it = result.collect()) {
        while (it.hasNext()) {
          Row row = it.next();
          if (rows.length() > 0) {
            rows.append(',');
            kinds.append(',');
          }
          rows.append(rowJson(row));
          kinds.append(json(row.getKind().shortString()));
        }
      }
      return answer(columns, rows.toString(), kinds.toString(), result, start);
    } catch (Throwable t) {
      List<String> causes = new ArrayList<>();
      for (Throwable c = t; c != null && causes.size() < 12; c = c.getCause()) {
        causes.add(json(c.getClass().getName() + ": " + c.getMessage()));
      }
      t.printStackTrace();
      return "{\"ok\":false,\"error\":" + json(t.getClass().getName() + ": " + t.getMessage()) + ",\"causes\":["
          + String.join(",", causes) + "]}";
    }
  }

  private static String answer(List<String> columns, String rows, String kinds, TableResult result, long start) {
    List<String> cols = new ArrayList<>();
    for (String c : columns) cols.add(json(c));
    String job = result.getJobClient().map(j -> json(j.getJobID().toString())).orElse("null");
    long ms = (System.nanoTime() - start) / 1_000_000;
    return "{\"ok\":true,\"columns\":[" + String.join(",", cols) + "],\"rows\":[" + rows + "],\"kinds\":["
        + kinds + "],\"job\":" + job + ",\"ms\":" + ms + "}";
  }

  private static String rowJson(Row row) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < row.getArity(); i++) {
      if (i > 0) b.append(',');
      b.append(valueJson(row.getField(i)));
    }
    return b.append(']').toString();
  }

  private static String valueJson(Object v) {
    if (v == null) return "null";
    if (v instanceof Boolean) return v.toString();
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) return v.toString();
    if (v instanceof Long) {
      long l = (Long) v;
      return Math.abs(l) <= SAFE_INTEGER ? Long.toString(l) : json(Long.toString(l));
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? Double.toString(d) : json(Double.toString(d));
    }
    if (v instanceof Row) return rowJson((Row) v);
    // Decimals, dates, timestamps and the rest: their SQL text, exact.
    return json(v.toString());
  }

  private static String json(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
