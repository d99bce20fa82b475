package dev.ratatouille.suites;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What every scan-planning class ({@link ScanPlanningCase}) plans over: two {@code RESTCatalog}s on one fresh branch,
 * and the tables ({@link ScanFixtures}) built through {@code client}. {@code client} plans from the manifests itself
 * (the reference); {@code server} has {@code scan-planning-mode=server}, so its tables plan with {@code
 * RESTTableScan}.
 *
 * <p>Built once per JVM run, by the first class that asks, so that the classes plan over the same tables and the
 * fixtures are not rebuilt per class; JUnit closes it at the end of the run (it closes the {@code AutoCloseable}
 * values of its root store).
 */
final class ScanPlanningSession implements AutoCloseable {
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ScanPlanningSession.class);

  final SuiteBranch branch;
  final ScanFixtures fx;
  private final RESTCatalog clientCatalog;
  private final RESTCatalog serverCatalog;
  private final Map<TableIdentifier, Table> serverTables = new HashMap<>();

  private ScanPlanningSession() throws IOException, InterruptedException {
    branch = SuiteBranch.create("scan-planning");
    clientCatalog = branch.newCatalog("client", Map.of());
    serverCatalog = branch.newCatalog("server", Map.of(RESTCatalogProperties.SCAN_PLANNING_MODE, "server"));
    try {
      fx = ScanFixtures.build(clientCatalog);
    } catch (RuntimeException e) {
      // The store keeps only a session that was built, so JUnit would not close this one.
      close();
      throw e;
    }
  }

  Table clientTable(TableIdentifier id) {
    return clientCatalog.loadTable(id);
  }

  /** Loaded once per table; loading is where a server that does not advertise the plan endpoint is refused. */
  Table serverTable(TableIdentifier id) {
    return serverTables.computeIfAbsent(id, serverCatalog::loadTable);
  }

  @Override
  public void close() {
    try {
      clientCatalog.close();
      serverCatalog.close();
    } catch (IOException e) {
      throw new IllegalStateException("closing the scan-planning catalogs", e);
    }
  }

  /** Resolves the {@code ScanPlanningSession} parameter of {@link ScanPlanningCase}'s {@code @BeforeAll}. */
  static final class Resolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == ScanPlanningSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context
          .getRoot()
          .getStore(STORE)
          .getOrComputeIfAbsent(ScanPlanningSession.class, key -> open(), ScanPlanningSession.class);
    }

    private static ScanPlanningSession open() {
      try {
        return new ScanPlanningSession();
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("creating the scan-planning branch", e);
      }
    }
  }
}
