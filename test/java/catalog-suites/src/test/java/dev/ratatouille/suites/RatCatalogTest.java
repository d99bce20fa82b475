package dev.ratatouille.suites;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.CatalogTests;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Apache Iceberg's {@code CatalogTests} through the Java {@code RESTCatalog} against Ratatouille, one fresh branch per
 * case. The feature flags say what the server really does (see docs/iceberg-rest.md, "Apache Iceberg's catalog
 * suites").
 */
public class RatCatalogTest extends CatalogTests<RESTCatalog> {
  private SuiteBranch branch;
  private RESTCatalog catalog;
  private final List<RESTCatalog> opened = new ArrayList<>();

  @BeforeEach
  void openBranch() throws Exception {
    branch = SuiteBranch.create("catalog-tests");
    catalog = initCatalog("rat", Map.of());
  }

  @AfterEach
  void closeCatalogs() throws Exception {
    for (RESTCatalog c : opened) c.close();
    opened.clear();
  }

  @Override
  protected String baseTableLocation(TableIdentifier identifier) {
    return branch.location(identifier.namespace().toString(), identifier.name());
  }

  @Override
  protected RESTCatalog catalog() {
    return catalog;
  }

  @Override
  protected RESTCatalog initCatalog(String catalogName, Map<String, String> additionalProperties) {
    RESTCatalog c = branch.newCatalog(catalogName, additionalProperties);
    opened.add(c);
    return c;
  }

  /** Namespace properties are stored and returned as given. */
  @Override
  protected boolean supportsNamespaceProperties() {
    return true;
  }

  /** Namespaces may have any number of levels. */
  @Override
  protected boolean supportsNestedNamespaces() {
    return true;
  }

  /** Creating a table in a missing namespace is 404 NoSuchNamespaceException, never an implicit create. */
  @Override
  protected boolean requiresNamespaceCreate() {
    return true;
  }

  /** Requirements are checked against the table as it is when the commit lands, and the commit is retried. */
  @Override
  protected boolean supportsServerSideRetry() {
    return true;
  }

  /** A location given on create is used as is. */
  @Override
  protected boolean overridesRequestedLocation() {
    return false;
  }

  @Override
  protected boolean supportsNamesWithSlashes() {
    return true;
  }

  @Override
  protected boolean supportsNamesWithDot() {
    return true;
  }

  /**
   * Tables live in a namespace; the empty namespace holds none. RESTCatalog 1.11 also refuses Namespace.empty() itself
   * (exists, properties, drop, listTables, tables without a namespace), so four of the five cases could not pass here.
   */
  @Override
  protected boolean supportsEmptyNamespace() {
    return false;
  }
}
