package dev.ratatouille.suites;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.ErrorHandlers;
import org.apache.iceberg.rest.HTTPClient;
import org.apache.iceberg.rest.ParserContext;
import org.apache.iceberg.rest.PlanStatus;
import org.apache.iceberg.rest.RESTClient;
import org.apache.iceberg.rest.ResourcePaths;
import org.apache.iceberg.rest.auth.AuthSession;
import org.apache.iceberg.rest.requests.FetchScanTasksRequest;
import org.apache.iceberg.rest.requests.PlanTableScanRequest;
import org.apache.iceberg.rest.responses.BaseScanTaskResponse;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.FetchPlanningResultResponse;
import org.apache.iceberg.rest.responses.FetchScanTasksResponse;
import org.apache.iceberg.rest.responses.PlanTableScanResponse;

/**
 * Plans an incremental append scan on the server. The Java client of Iceberg 1.11 never asks the server for one: on a
 * REST table {@code newIncrementalAppendScan()} plans on the client, and {@code newScan().appendsBetween(a, b)} turns
 * into a client-side {@code IncrementalDataTableScan}. So this sends {@code start-snapshot-id}/{@code end-snapshot-id}
 * itself, with Iceberg's own HTTP client, request and response classes (the same parsers RESTTableScan uses), and
 * follows {@code plan-tasks} and a {@code submitted} status as RESTTableScan does.
 *
 * <p>The REST spec makes {@code start-snapshot-id} exclusive and {@code end-snapshot-id} inclusive, as
 * {@code fromSnapshotExclusive}/{@code toSnapshot} of the client's reference scan. (Iceberg 1.11's own in-memory
 * test server, {@code CatalogHandlers.planTableScan}, reads the start as inclusive and so fails these cases.)
 */
final class IncrementalServerPlan implements AutoCloseable {
  private final RESTClient http;
  private final ResourcePaths paths;

  /** Over HTTP, to the catalog at {@code catalogUri} ({@code <server>/iceberg/<branch>}). */
  static IncrementalServerPlan over(String catalogUri) {
    // No credentials: the test server runs without authentication.
    return new IncrementalServerPlan(
        HTTPClient.builder(Map.of()).uri(catalogUri).withAuthSession(AuthSession.EMPTY).build());
  }

  IncrementalServerPlan(RESTClient http) {
    this.http = http;
    ConfigResponse config =
        http.get(ResourcePaths.config(), Map.of(), ConfigResponse.class, Map.of(), ErrorHandlers.configErrorHandler());
    this.paths = ResourcePaths.forCatalogProperties(config.merge(Map.of()));
  }

  /** The server's plan of the files appended after {@code fromExclusive} up to and including {@code toInclusive}. */
  CloseableIterable<FileScanTask> appendsBetween(
      TableIdentifier id, Table table, long fromExclusive, long toInclusive) throws InterruptedException {
    ParserContext context =
        ParserContext.builder().add("specsById", table.specs()).add("caseSensitive", true).build();
    PlanTableScanRequest request =
        PlanTableScanRequest.builder()
            .withStartSnapshotId(fromExclusive)
            .withEndSnapshotId(toInclusive)
            .withUseSnapshotSchema(true)
            .withCaseSensitive(true)
            .build();
    PlanTableScanResponse planned =
        http.post(
            paths.planTableScan(id),
            request,
            PlanTableScanResponse.class,
            Map.of(),
            ErrorHandlers.tableErrorHandler(),
            headers -> {},
            context);
    BaseScanTaskResponse result = planned;
    PlanStatus status = planned.planStatus();
    long deadline = System.currentTimeMillis() + 120_000;
    while (status == PlanStatus.SUBMITTED) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("plan still submitted after 120 s");
      Thread.sleep(500);
      FetchPlanningResultResponse fetched =
          http.get(
              paths.plan(id, planned.planId()),
              Map.of(),
              FetchPlanningResultResponse.class,
              Map.of(),
              ErrorHandlers.planErrorHandler(),
              context);
      result = fetched;
      status = fetched.planStatus();
    }
    if (status != PlanStatus.COMPLETED) throw new IllegalStateException("plan status " + status);

    List<FileScanTask> tasks = new ArrayList<>(nullToEmpty(result.fileScanTasks()));
    Deque<String> planTasks = new ArrayDeque<>(nullToEmpty(result.planTasks()));
    while (!planTasks.isEmpty()) {
      FetchScanTasksResponse more =
          http.post(
              paths.fetchScanTasks(id),
              new FetchScanTasksRequest(planTasks.pop()),
              FetchScanTasksResponse.class,
              Map.of(),
              ErrorHandlers.planTaskHandler(),
              headers -> {},
              context);
      tasks.addAll(nullToEmpty(more.fileScanTasks()));
      planTasks.addAll(nullToEmpty(more.planTasks()));
    }
    return CloseableIterable.withNoopClose(tasks);
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  @Override
  public void close() throws Exception {
    http.close();
  }
}
