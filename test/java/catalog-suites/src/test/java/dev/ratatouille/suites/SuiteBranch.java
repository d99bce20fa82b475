package dev.ratatouille.suites;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * Gives every test case an empty catalog: a new branch created from the store's first (empty) commit through the
 * management API, addressed as {@code <server>/iceberg/<branch>}. The suites assume an empty catalog per case; a
 * fresh branch is that, without restarting the server.
 */
final class SuiteBranch {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Pattern NO_ANCESTOR = Pattern.compile("\"noAncestorHash\"\\s*:\\s*\"([0-9a-f]+)\"");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String name;
  private final String catalogUri;

  private SuiteBranch(String name, String catalogUri) {
    this.name = name;
    this.catalogUri = catalogUri;
  }

  /** The server under test, from {@code -Drat.url} (set by the mocha test that starts it). */
  static String serverUrl() {
    String url = System.getProperty("rat.url");
    if (url == null || url.isEmpty()) {
      throw new IllegalStateException("Set -Drat.url to the Ratatouille server's base URL");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Creates branch {@code <prefix>-<n>-<millis>} at the empty commit. */
  static SuiteBranch create(String prefix) throws IOException, InterruptedException {
    String base = serverUrl();
    String config = send(HttpRequest.newBuilder(URI.create(base + "/api/v2/config")).GET().build());
    Matcher m = NO_ANCESTOR.matcher(config);
    if (!m.find()) throw new IllegalStateException("No noAncestorHash in " + config);
    String name = prefix + "-" + COUNTER.incrementAndGet() + "-" + System.currentTimeMillis();
    String body = "{\"type\":\"BRANCH\",\"name\":\"main\",\"hash\":\"" + m.group(1) + "\"}";
    send(
        HttpRequest.newBuilder(URI.create(base + "/api/v2/trees?type=BRANCH&name=" + name))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
    return new SuiteBranch(name, base + "/iceberg/" + name);
  }

  /** The catalog URI of this branch, {@code <server>/iceberg/<branch>}. */
  String catalogUri() {
    return catalogUri;
  }

  /**
   * A location of this case's own under the server's warehouse ({@code -Drat.warehouse}), for the cases that create
   * tables and views at a location they choose. The suites' defaults ({@code file:/tmp/<ns>/<name>}, a JUnit temp
   * folder) lie outside the catalog's storage, and {@code /tmp/ns/tbl} would be shared by every run on the machine.
   */
  String location(String... parts) {
    String warehouse = System.getProperty("rat.warehouse");
    if (warehouse == null || warehouse.isEmpty()) {
      throw new IllegalStateException("Set -Drat.warehouse to the server's warehouse root URI");
    }
    StringBuilder location = new StringBuilder(warehouse.replaceAll("/+$", "")).append("/suite-locations/").append(name);
    for (String part : parts) location.append('/').append(part);
    return location.toString();
  }

  private static String send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> res = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IllegalStateException(request.uri() + " answered " + res.statusCode() + ": " + res.body());
    }
    return res.body();
  }

  /**
   * A Java {@code RESTCatalog} on this branch, reading and writing data files with {@link LocalFileIO} (the server's
   * warehouse is a local folder; the default resolving FileIO would need Hadoop).
   */
  RESTCatalog newCatalog(String name, Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put(CatalogProperties.URI, catalogUri);
    props.put(CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName());
    // The client-side defaults and overrides the suites expect the catalog to be configured with.
    props.put(CatalogProperties.TABLE_DEFAULT_PREFIX + "default-key1", "catalog-default-key1");
    props.put(CatalogProperties.TABLE_DEFAULT_PREFIX + "default-key2", "catalog-default-key2");
    props.put(CatalogProperties.TABLE_DEFAULT_PREFIX + "override-key3", "catalog-default-key3");
    props.put(CatalogProperties.TABLE_OVERRIDE_PREFIX + "override-key3", "catalog-override-key3");
    props.put(CatalogProperties.TABLE_OVERRIDE_PREFIX + "override-key4", "catalog-override-key4");
    props.put(CatalogProperties.VIEW_DEFAULT_PREFIX + "key1", "catalog-default-key1");
    props.put(CatalogProperties.VIEW_DEFAULT_PREFIX + "key2", "catalog-default-key2");
    props.put(CatalogProperties.VIEW_DEFAULT_PREFIX + "key3", "catalog-default-key3");
    props.put(CatalogProperties.VIEW_OVERRIDE_PREFIX + "key3", "catalog-override-key3");
    props.put(CatalogProperties.VIEW_OVERRIDE_PREFIX + "key4", "catalog-override-key4");
    props.putAll(extra);
    RESTCatalog catalog = new RESTCatalog();
    catalog.initialize(name, props);
    return catalog;
  }
}
