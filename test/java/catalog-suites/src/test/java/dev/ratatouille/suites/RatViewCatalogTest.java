package dev.ratatouille.suites;

import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.view.ViewCatalogTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Apache Iceberg's {@code ViewCatalogTests} through the Java {@code RESTCatalog} against Ratatouille, one fresh branch
 * per case; tables and views share the catalog, as they share a branch.
 */
public class RatViewCatalogTest extends ViewCatalogTests<RESTCatalog> {
  private SuiteBranch branch;
  private RESTCatalog catalog;

  @BeforeEach
  void openBranch() throws Exception {
    branch = SuiteBranch.create("view-tests");
    catalog = branch.newCatalog("rat", Map.of());
  }

  @Override
  protected String viewLocation(String... paths) {
    return branch.location(paths);
  }

  @AfterEach
  void closeCatalog() throws Exception {
    if (catalog != null) catalog.close();
  }

  @Override
  protected RESTCatalog catalog() {
    return catalog;
  }

  @Override
  protected Catalog tableCatalog() {
    return catalog;
  }

  /** Creating a view in a missing namespace is 404 NoSuchNamespaceException. */
  @Override
  protected boolean requiresNamespaceCreate() {
    return true;
  }

  /** A location given on create is used as is. */
  @Override
  protected boolean overridesRequestedLocation() {
    return false;
  }

  /** Requirements are checked against the view as it is when the commit lands, and the commit is retried. */
  @Override
  protected boolean supportsServerSideRetry() {
    return true;
  }

  /** Views live in a namespace; RESTCatalog 1.11 also refuses a view identifier without one itself. */
  @Override
  protected boolean supportsEmptyNamespace() {
    return false;
  }
}
