package dev.ratatouille.nessie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.projectnessie.client.NessieClientBuilder;
import org.projectnessie.client.api.NessieApiV2;
import org.projectnessie.client.auth.BearerAuthenticationProvider;
import org.projectnessie.client.rest.NessieNotAuthorizedException;
import org.projectnessie.error.NessieForbiddenException;
import org.projectnessie.model.Branch;
import org.projectnessie.model.CommitMeta;
import org.projectnessie.model.ContentKey;
import org.projectnessie.model.IcebergTable;
import org.projectnessie.model.MergeResponse;
import org.projectnessie.model.Namespace;
import org.projectnessie.model.Operation;
import org.projectnessie.model.Reference;

/**
 * The Nessie client against a server that requires authentication: the client sends bearer tokens the server's token
 * endpoint issued ({@code -Dnessie.token.writer}, {@code -Dnessie.token.reader}), with the writer's token it works as
 * without auth, without a token it gets {@link NessieNotAuthorizedException} (401), and with the reader's token every
 * write gets {@link NessieForbiddenException} (403). Run only by the auth lane of test/nessie-java-client.test.ts.
 */
public class NessieAuthScenariosTest {
  private static NessieApiV2 client(String tokenProperty) {
    NessieClientBuilder b = NessieClientBuilder.createClientBuilder(null, null).withUri(URI.create(System.getProperty("nessie.uri")));
    if (tokenProperty != null) b = b.withAuthentication(BearerAuthenticationProvider.create(System.getProperty(tokenProperty)));
    return b.build(NessieApiV2.class);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void writerReadsDefaultBranchAndReferences() throws Exception {
    try (NessieApiV2 api = client("nessie.token.writer")) {
      Branch main = api.getDefaultBranch();
      assertThat(main.getName()).isEqualTo("main");
      List<String> names = api.getAllReferences().get().getReferences().stream().map(Reference::getName).collect(Collectors.toList());
      assertThat(names).contains("main");
    }
  }

  @Test
  void writerCreatesCommitsAndMerges() throws Exception {
    try (NessieApiV2 api = client("nessie.token.writer")) {
      Branch main = api.getDefaultBranch();
      Branch target = (Branch) api.createReference().sourceRefName("main").reference(Branch.of(unique("authto"), main.getHash())).create();
      Branch source = (Branch) api.createReference().sourceRefName("main").reference(Branch.of(unique("authfrom"), main.getHash())).create();
      source = api.commitMultipleOperations().branch(source).commitMeta(CommitMeta.fromMessage("add table"))
          .operation(Operation.Put.of(ContentKey.of("authns"), Namespace.of("authns")))
          .operation(Operation.Put.of(ContentKey.of("authns", "t"), IcebergTable.of("file:///wh/authns/t/m.json", 1, 0, 0, 0)))
          .commit();
      MergeResponse r = api.mergeRefIntoBranch().branch(target).fromRef(source).merge();
      assertThat(r.wasApplied()).isTrue();
      assertThat(api.getContent().refName(target.getName()).key(ContentKey.of("authns", "t")).get()).hasSize(1);
    }
  }

  @Test
  void writerCommitToProtectedMainIsForbidden() throws Exception {
    try (NessieApiV2 api = client("nessie.token.writer")) {
      Branch main = api.getDefaultBranch();
      assertThatThrownBy(() -> api.commitMultipleOperations().branch(main).commitMeta(CommitMeta.fromMessage("direct"))
              .operation(Operation.Put.of(ContentKey.of(unique("direct")), Namespace.of("direct"))).commit())
          .isInstanceOf(NessieForbiddenException.class);
    }
  }

  @Test
  void withoutTokenIsNotAuthorized() throws Exception {
    try (NessieApiV2 api = client(null)) {
      assertThatThrownBy(api::getDefaultBranch).isInstanceOf(NessieNotAuthorizedException.class);
      assertThatThrownBy(() -> api.getAllReferences().get()).isInstanceOf(NessieNotAuthorizedException.class);
    }
  }

  @Test
  void readerReadsButWritesAreForbidden() throws Exception {
    try (NessieApiV2 api = client("nessie.token.reader")) {
      Branch main = api.getDefaultBranch();
      assertThat(main.getName()).isEqualTo("main");
      assertThatThrownBy(() -> api.createReference().sourceRefName("main").reference(Branch.of(unique("reader"), main.getHash())).create())
          .isInstanceOf(NessieForbiddenException.class);
    }
  }
}
