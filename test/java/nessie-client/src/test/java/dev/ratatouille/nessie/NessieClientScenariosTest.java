package dev.ratatouille.nessie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.projectnessie.client.NessieClientBuilder;
import org.projectnessie.client.api.NessieApiV2;
import org.projectnessie.error.NessieBadRequestException;
import org.projectnessie.error.NessieContentNotFoundException;
import org.projectnessie.error.NessieReferenceAlreadyExistsException;
import org.projectnessie.error.NessieReferenceConflictException;
import org.projectnessie.error.NessieReferenceNotFoundException;
import org.projectnessie.error.ReferenceConflicts;
import org.projectnessie.model.Branch;
import org.projectnessie.model.CommitMeta;
import org.projectnessie.model.Content;
import org.projectnessie.model.ContentKey;
import org.projectnessie.model.Detached;
import org.projectnessie.model.DiffResponse;
import org.projectnessie.model.IcebergTable;
import org.projectnessie.model.LogResponse;
import org.projectnessie.model.MergeResponse;
import org.projectnessie.model.Namespace;
import org.projectnessie.model.NessieConfiguration;
import org.projectnessie.model.Operation;
import org.projectnessie.model.Reference;
import org.projectnessie.model.Tag;
import org.projectnessie.model.UDF;

/**
 * Scenarios a Nessie-client user runs (the calls Iceberg's NessieCatalog, the Nessie CLI and tools make), each on its
 * own branches so they are independent. The same scenarios pass against Project Nessie itself; a failure here is a
 * difference of the server under test.
 */
public class NessieClientScenariosTest {
  private static NessieApiV2 api;

  @BeforeAll
  static void connect() {
    String uri = System.getProperty("nessie.uri");
    api = NessieClientBuilder.createClientBuilder(null, null).withUri(URI.create(uri)).build(NessieApiV2.class);
  }

  @AfterAll
  static void close() {
    if (api != null) api.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Branch main() throws Exception {
    return api.getDefaultBranch();
  }

  private static Branch branchFromMain(String prefix) throws Exception {
    Branch main = main();
    return (Branch) api.createReference().sourceRefName(main.getName()).reference(Branch.of(unique(prefix), main.getHash())).create();
  }

  private static Branch commit(Branch branch, String message, Operation... ops) throws Exception {
    return api.commitMultipleOperations().branch(branch).commitMeta(CommitMeta.fromMessage(message)).operations(List.of(ops)).commit();
  }

  /** A branch holding namespace {@code ns} and table {@code ns.t}. */
  private static Branch branchWithTable(String prefix, String ns) throws Exception {
    Branch b = branchFromMain(prefix);
    b = commit(b, "create namespace", Operation.Put.of(ContentKey.of(ns), Namespace.of(ns)));
    return commit(b, "create table", Operation.Put.of(ContentKey.of(ns, "t"), IcebergTable.of("file:///wh/" + ns + "/t/metadata/00000.metadata.json", 1, 0, 0, 0)));
  }

  private static IcebergTable table(Reference ref, ContentKey key) throws Exception {
    Content c = api.getContent().reference(ref).key(key).get().get(key);
    assertThat(c).as("content at %s", key).isInstanceOf(IcebergTable.class);
    return (IcebergTable) c;
  }

  private static Branch updateTable(Branch b, ContentKey key, IcebergTable base, String location) throws Exception {
    return commit(b, "update " + key, Operation.Put.of(key, IcebergTable.builder().from(base).metadataLocation(location).build()));
  }

  @Test
  void config() throws Exception {
    NessieConfiguration c = api.getConfig();
    assertThat(c.getDefaultBranch()).isEqualTo("main");
    assertThat(c.getMaxSupportedApiVersion()).isGreaterThanOrEqualTo(2);
    assertThat(c.getNoAncestorHash()).isNotEmpty();
  }

  @Test
  void defaultBranch() throws Exception {
    assertThat(main().getName()).isEqualTo("main");
    assertThat(main().getHash()).isNotEmpty();
  }

  @Test
  void createAndListReferences() throws Exception {
    Branch b = branchFromMain("list");
    Tag t = (Tag) api.createReference().sourceRefName(b.getName()).reference(Tag.of(unique("tag"), b.getHash())).create();
    List<String> names = api.getAllReferences().get().getReferences().stream().map(Reference::getName).collect(Collectors.toList());
    assertThat(names).contains("main", b.getName(), t.getName());
    assertThat(api.getReference().refName(t.getName()).get()).isInstanceOf(Tag.class);
  }

  @Test
  void createExistingReferenceIsAlreadyExists() throws Exception {
    Branch b = branchFromMain("dup");
    assertThatThrownBy(() -> api.createReference().sourceRefName("main").reference(Branch.of(b.getName(), b.getHash())).create())
        .isInstanceOf(NessieReferenceAlreadyExistsException.class);
  }

  @Test
  void unknownReferenceIsReferenceNotFound() {
    assertThatThrownBy(() -> api.getReference().refName(unique("missing")).get()).isInstanceOf(NessieReferenceNotFoundException.class);
  }

  @Test
  void malformedReferenceNameIsBadRequest() {
    assertThatThrownBy(() -> api.getReference().refName("bad..name").get()).isInstanceOf(NessieBadRequestException.class);
  }

  @Test
  void commitAndReadContent() throws Exception {
    Branch b = branchWithTable("content", "ns");
    IcebergTable t = table(b, ContentKey.of("ns", "t"));
    assertThat(t.getMetadataLocation()).isEqualTo("file:///wh/ns/t/metadata/00000.metadata.json");
    assertThat(t.getId()).isNotEmpty();
    assertThat(api.getContent().reference(b).key(ContentKey.of("ns")).get().get(ContentKey.of("ns"))).isInstanceOf(Namespace.class);
  }

  @Test
  void missingContentIsContentNotFound() throws Exception {
    Branch b = branchFromMain("nocontent");
    assertThatThrownBy(() -> api.getContent().reference(b).getSingle(ContentKey.of("nope", "t")))
        .isInstanceOf(NessieContentNotFoundException.class);
  }

  @Test
  void entriesListKeys() throws Exception {
    Branch b = branchWithTable("entries", "ens");
    List<ContentKey> keys = api.getEntries().reference(b).get().getEntries().stream().map(e -> e.getName()).collect(Collectors.toList());
    assertThat(keys).contains(ContentKey.of("ens"), ContentKey.of("ens", "t"));
  }

  @Test
  void commitLogHasMessages() throws Exception {
    Branch b = branchWithTable("log", "lns");
    LogResponse log = api.getCommitLog().reference(b).get();
    List<String> messages = log.getLogEntries().stream().map(e -> e.getCommitMeta().getMessage()).collect(Collectors.toList());
    assertThat(messages).startsWith("create table", "create namespace");
  }

  @Test
  void updateKeepsContentId() throws Exception {
    Branch b = branchWithTable("update", "uns");
    ContentKey key = ContentKey.of("uns", "t");
    IcebergTable before = table(b, key);
    b = updateTable(b, key, before, "file:///wh/uns/t/metadata/00001.metadata.json");
    IcebergTable after = table(b, key);
    assertThat(after.getId()).isEqualTo(before.getId());
    assertThat(after.getMetadataLocation()).endsWith("00001.metadata.json");
  }

  @Test
  void staleExpectedHashOnSameKeyIsReferenceConflict() throws Exception {
    Branch b = branchWithTable("stale", "sns");
    ContentKey key = ContentKey.of("sns", "t");
    IcebergTable base = table(b, key);
    updateTable(b, key, base, "file:///wh/sns/t/metadata/00001.metadata.json");
    Branch stale = b;
    assertThatThrownBy(() -> updateTable(stale, key, base, "file:///wh/sns/t/metadata/00002.metadata.json"))
        .isInstanceOf(NessieReferenceConflictException.class)
        .satisfies(e -> assertThat(((NessieReferenceConflictException) e).getErrorDetails()).isInstanceOf(ReferenceConflicts.class));
  }

  @Test
  void staleExpectedHashOnOtherKeyLands() throws Exception {
    Branch b = branchWithTable("other", "ons");
    Branch stale = b;
    commit(b, "second table", Operation.Put.of(ContentKey.of("ons", "a"), IcebergTable.of("file:///wh/ons/a/m.json", 1, 0, 0, 0)));
    Branch landed = commit(stale, "third table", Operation.Put.of(ContentKey.of("ons", "b"), IcebergTable.of("file:///wh/ons/b/m.json", 1, 0, 0, 0)));
    assertThat(api.getEntries().reference(landed).get().getEntries()).hasSize(4);
  }

  @Test
  void diffBetweenBranches() throws Exception {
    Branch base = branchWithTable("diffa", "dns");
    Branch other = (Branch) api.createReference().sourceRefName(base.getName()).reference(Branch.of(unique("diffb"), base.getHash())).create();
    other = commit(other, "add", Operation.Put.of(ContentKey.of("dns", "u"), IcebergTable.of("file:///wh/dns/u/m.json", 1, 0, 0, 0)));
    DiffResponse diff = api.getDiff().fromRef(base).toRef(other).get();
    assertThat(diff.getDiffs()).extracting(d -> d.getKey()).containsExactly(ContentKey.of("dns", "u"));
  }

  @Test
  void mergeBranch() throws Exception {
    Branch target = branchWithTable("mergeto", "mns");
    Branch source = (Branch) api.createReference().sourceRefName(target.getName()).reference(Branch.of(unique("mergefrom"), target.getHash())).create();
    commit(source, "add u", Operation.Put.of(ContentKey.of("mns", "u"), IcebergTable.of("file:///wh/mns/u/m.json", 1, 0, 0, 0)));
    MergeResponse r = api.mergeRefIntoBranch().branch(target).fromRef(api.getReference().refName(source.getName()).get()).merge();
    assertThat(r.wasApplied()).isTrue();
    assertThat(api.getContent().refName(target.getName()).key(ContentKey.of("mns", "u")).get()).hasSize(1);
  }

  @Test
  void conflictingMergeIsReferenceConflict() throws Exception {
    Branch target = branchWithTable("cmergeto", "cns");
    ContentKey key = ContentKey.of("cns", "t");
    IcebergTable base = table(target, key);
    Branch source = (Branch) api.createReference().sourceRefName(target.getName()).reference(Branch.of(unique("cmergefrom"), target.getHash())).create();
    Branch newTarget = updateTable(target, key, base, "file:///wh/cns/t/metadata/target.json");
    Branch newSource = updateTable(source, key, base, "file:///wh/cns/t/metadata/source.json");
    assertThatThrownBy(() -> api.mergeRefIntoBranch().branch(newTarget).fromRef(newSource).merge())
        .isInstanceOf(NessieReferenceConflictException.class)
        .satisfies(e -> {
          ReferenceConflicts details = (ReferenceConflicts) ((NessieReferenceConflictException) e).getErrorDetails();
          assertThat(details.conflicts()).extracting(c -> c.key()).contains(key);
        });
  }

  @Test
  void transplantCommit() throws Exception {
    Branch target = branchWithTable("tpto", "tns");
    Branch source = (Branch) api.createReference().sourceRefName(target.getName()).reference(Branch.of(unique("tpfrom"), target.getHash())).create();
    source = commit(source, "add v", Operation.Put.of(ContentKey.of("tns", "v"), IcebergTable.of("file:///wh/tns/v/m.json", 1, 0, 0, 0)));
    api.transplantCommitsIntoBranch().branch(target).fromRefName(source.getName()).hashesToTransplant(List.of(source.getHash())).transplant();
    assertThat(api.getContent().refName(target.getName()).key(ContentKey.of("tns", "v")).get()).hasSize(1);
  }

  @Test
  void assignAndDeleteBranch() throws Exception {
    Branch b = branchWithTable("assign", "ans");
    Branch other = branchFromMain("assigned");
    Reference moved = api.assignReference().reference(other).assignTo(b).assignAndGet();
    assertThat(moved.getHash()).isEqualTo(b.getHash());
    api.deleteReference().reference(moved).delete();
    assertThatThrownBy(() -> api.getReference().refName(other.getName()).get()).isInstanceOf(NessieReferenceNotFoundException.class);
  }

  @Test
  void deleteWithStaleHashIsReferenceConflict() throws Exception {
    Branch b = branchFromMain("delstale");
    commit(b, "move", Operation.Put.of(ContentKey.of("x" + UUID.randomUUID().toString().substring(0, 6)), Namespace.of("x")));
    assertThatThrownBy(() -> api.deleteBranch().branch(b).delete()).isInstanceOf(NessieReferenceConflictException.class);
  }

  @Test
  void readAtDetachedCommit() throws Exception {
    Branch b = branchWithTable("detached", "xns");
    String hash = b.getHash();
    commit(b, "drop", Operation.Delete.of(ContentKey.of("xns", "t")));
    Map<ContentKey, Content> old = api.getContent().reference(Detached.of(hash)).key(ContentKey.of("xns", "t")).get();
    assertThat(old).hasSize(1);
    assertThat(api.getCommitLog().reference(Detached.of(hash)).get().getLogEntries()).isNotEmpty();
  }

  @Test
  void readAtHashOnBranch() throws Exception {
    Branch b = branchWithTable("onhash", "hns");
    String hash = b.getHash();
    commit(b, "drop", Operation.Delete.of(ContentKey.of("hns", "t")));
    assertThat(api.getContent().refName(b.getName()).hashOnRef(hash).key(ContentKey.of("hns", "t")).get()).hasSize(1);
    assertThat(api.getContent().refName(b.getName()).key(ContentKey.of("hns", "t")).get()).isEmpty();
  }

  @Test
  void udfContentRoundTrips() throws Exception {
    // A function as Nessie's clients record it: its metadata file's location and the writer's version and signature.
    Branch b = branchFromMain("udf");
    b = commit(b, "create namespace", Operation.Put.of(ContentKey.of("fns"), Namespace.of("fns")));
    ContentKey key = ContentKey.of("fns", "add_one");
    b = commit(b, "create function", Operation.Put.of(key, UDF.udf("file:///wh/fns/add_one/metadata/00000.metadata.json", "v1", "s1")));
    Content c = api.getContent().reference(b).getSingle(key).getContent();
    assertThat(c).isInstanceOf(UDF.class);
    UDF udf = (UDF) c;
    assertThat(udf.getMetadataLocation()).isEqualTo("file:///wh/fns/add_one/metadata/00000.metadata.json");
    assertThat(udf.getVersionId()).isEqualTo("v1");
    assertThat(udf.getSignatureId()).isEqualTo("s1");
    assertThat(udf.getId()).isNotEmpty();
    List<Content.Type> types = api.getEntries().reference(b).get().getEntries().stream()
        .filter(e -> e.getName().equals(key)).map(e -> e.getType()).collect(Collectors.toList());
    assertThat(types).containsExactly(Content.Type.UDF);
  }

  @Test
  void namespacesThroughTheClientHelpers() throws Exception {
    // NessieApiV2's namespace helpers list entries with CEL filters on the server.
    Branch b = branchFromMain("ns");
    api.createNamespace().refName(b.getName()).namespace(Namespace.of("client_ns")).properties(Map.of("owner", "me")).create();
    api.createNamespace().refName(b.getName()).namespace(Namespace.of("client_ns", "child")).create();
    Namespace ns = api.getNamespace().refName(b.getName()).namespace(Namespace.of("client_ns")).get();
    assertThat(ns.getProperties()).containsEntry("owner", "me");
    assertThat(api.getMultipleNamespaces().refName(b.getName()).namespace(Namespace.of("client_ns")).onlyDirectChildren(true).get().getNamespaces())
        .extracting(Namespace::toPathString)
        .containsExactly("client_ns.child");
    assertThatThrownBy(() -> api.deleteNamespace().refName(b.getName()).namespace(Namespace.of("client_ns")).delete())
        .isInstanceOf(org.projectnessie.error.NessieNamespaceNotEmptyException.class);
    api.deleteNamespace().refName(b.getName()).namespace(Namespace.of("client_ns", "child")).delete();
    api.deleteNamespace().refName(b.getName()).namespace(Namespace.of("client_ns")).delete();
  }

  @Test
  void referencesWithMetadataAndFilters() throws Exception {
    // What a team dashboard asks: each branch's HEAD and how far it is ahead of and behind main.
    Branch b = branchWithTable("meta", "mns");
    Reference got = api.getReference().refName(b.getName()).fetch(org.projectnessie.model.FetchOption.ALL).get();
    org.projectnessie.model.ReferenceMetadata m = got.getMetadata();
    assertThat(m).isNotNull();
    assertThat(m.getNumCommitsAhead()).isEqualTo(2);
    assertThat(m.getNumCommitsBehind()).isEqualTo(0);
    assertThat(m.getCommonAncestorHash()).isEqualTo(main().getHash());
    assertThat(m.getCommitMetaOfHEAD().getMessage()).isEqualTo("create table");
    List<Reference> ahead =
        api.getAllReferences()
            .fetch(org.projectnessie.model.FetchOption.ALL)
            .filter("ref.name == '" + b.getName() + "' && refMeta.numCommitsAhead == 2 && commit.message == 'create table'")
            .get()
            .getReferences();
    assertThat(ahead).extracting(Reference::getName).containsExactly(b.getName());
    assertThatThrownBy(() -> api.getAllReferences().filter("ref.name ==").get()).isInstanceOf(NessieBadRequestException.class);
  }

  @Test
  void logFilterAndEntriesKeyRange() throws Exception {
    Branch b = branchWithTable("range", "rns");
    b = commit(b, "more", Operation.Put.of(ContentKey.of("rns", "u"), IcebergTable.of("file:///wh/rns/u/metadata/00000.metadata.json", 1, 0, 0, 0)));
    LogResponse log = api.getCommitLog().refName(b.getName()).filter("commit.message.startsWith('create')").get();
    assertThat(log.getLogEntries()).extracting(e -> e.getCommitMeta().getMessage()).containsExactly("create table", "create namespace");
    List<String> keys =
        api.getEntries().refName(b.getName()).minKey(ContentKey.of("rns", "t")).maxKey(ContentKey.of("rns", "u")).get().getEntries().stream()
            .map(e -> e.getName().toString())
            .collect(Collectors.toList());
    assertThat(keys).containsExactly("rns.t", "rns.u");
  }
}
