package dev.ratatouille.suites;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionParser;
import org.apache.iceberg.rest.ErrorHandlers;
import org.apache.iceberg.rest.HTTPClient;
import org.apache.iceberg.rest.ResourcePaths;
import org.apache.iceberg.rest.RESTClient;
import org.apache.iceberg.rest.auth.AuthSession;
import org.apache.iceberg.rest.requests.PlanTableScanRequest;
import org.apache.iceberg.rest.requests.PlanTableScanRequestParser;
import org.apache.iceberg.rest.responses.ConfigResponse;

/**
 * The {@code residual-filter} the server wrote for each data file of a plan, as sent. The Java client does not keep
 * it: {@code RESTFileScanTaskParser} wraps it in a {@code ResidualEvaluator} of the file's spec, which reduces it
 * against the partition again, so {@code task.residual()} of a server-planned task would hide a server that sends the
 * whole filter. So this plans the scan over plain HTTP (following {@code plan-tasks}), reads the JSON, and parses each
 * residual with Iceberg's own {@code ExpressionParser}, the parser the client uses.
 */
final class ServerResiduals {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerResiduals() {}

  /** Residuals by data file location of the server's plan of {@code filter} at {@code snapshotId}. */
  static Map<String, Expression> of(
      String catalogUri, TableIdentifier id, Long snapshotId, Expression filter, boolean caseSensitive)
      throws IOException, InterruptedException {
    ResourcePaths paths;
    try (RESTClient rest = HTTPClient.builder(Map.of()).uri(catalogUri).withAuthSession(AuthSession.EMPTY).build()) {
      ConfigResponse config =
          rest.get(ResourcePaths.config(), Map.of(), ConfigResponse.class, Map.of(), ErrorHandlers.configErrorHandler());
      paths = ResourcePaths.forCatalogProperties(config.merge(Map.of()));
    }
    PlanTableScanRequest.Builder request =
        PlanTableScanRequest.builder().withFilter(filter).withCaseSensitive(caseSensitive);
    if (snapshotId != null) request.withSnapshotId(snapshotId);
    HttpClient http = HttpClient.newHttpClient();
    String base = catalogUri.endsWith("/") ? catalogUri : catalogUri + "/";
    Map<String, Expression> out = new HashMap<>();
    Deque<String> planTasks = new ArrayDeque<>();
    collect(post(http, base + paths.planTableScan(id), PlanTableScanRequestParser.toJson(request.build())), out,
        planTasks);
    while (!planTasks.isEmpty()) {
      String body = JSON.writeValueAsString(Map.of("plan-task", planTasks.pop()));
      collect(post(http, base + paths.fetchScanTasks(id), body), out, planTasks);
    }
    return out;
  }

  private static void collect(JsonNode answer, Map<String, Expression> out, Deque<String> planTasks) {
    JsonNode status = answer.get("status");
    if (status != null && !"completed".equals(status.asText())) {
      throw new IllegalStateException("plan status " + status);
    }
    JsonNode tasks = answer.get("file-scan-tasks");
    if (tasks != null) {
      for (JsonNode task : tasks) {
        String path = task.get("data-file").get("file-path").asText();
        JsonNode residual = task.get("residual-filter");
        if (residual == null) throw new IllegalStateException("no residual-filter on the task of " + path);
        out.put(path, ExpressionParser.fromJson(residual));
      }
    }
    JsonNode more = answer.get("plan-tasks");
    if (more != null) more.forEach(t -> planTasks.add(t.asText()));
  }

  private static JsonNode post(HttpClient http, String url, String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("POST " + url + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
