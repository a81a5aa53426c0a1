package org.charkha.index;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedIndexTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private Path file;
  private FeedIndex index;

  /** A person with a real signed feed. */
  static final class Person {
    final Identity id = Identity.generate();
    final FeedLog log = FeedLog.empty(id.feed());
    long clock = T0;

    FeedId feed() {
      return id.feed();
    }

    EntryRef add(Content c) {
      return log.append(id, c, clock += 1000).ref(feed());
    }

    EntryRef post(String text) {
      return add(new Content.Post(text));
    }

    EntryRef comment(EntryRef on, String text) {
      return add(new Content.Comment(on, text));
    }

    List<Entry> entries() {
      return log.entries();
    }
  }

  @BeforeEach
  void open() {
    file = dir.resolve("index.db");
    index = FeedIndex.open(file);
  }

  @AfterEach
  void close() {
    index.close();
  }

  private void ingest(Person... people) {
    for (Person p : people) {
      index.ingest(p.feed(), p.entries());
    }
  }

  @Test
  void homeTimelineIsNewestFirstAndPagesWithoutGapsOrRepeats() {
    Person alice = new Person();
    Person bob = new Person();
    Person carol = new Person();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      alice.clock = bob.clock = carol.clock = T0 + i * 10_000; // equal timestamps across feeds
      alice.post("alice " + i);
      bob.post("bob " + i);
      carol.post("carol " + i);
      expected.add(0, "alice " + i);
      expected.add(0, "bob " + i);
    }
    ingest(alice, bob, carol);

    List<String> seen = new ArrayList<>();
    Cursor cursor = Cursor.LATEST;
    int pages = 0;
    while (true) {
      Page<ItemView> page = index.homeTimeline(Set.of(alice.feed(), bob.feed()), cursor, 3);
      page.items().forEach(v -> seen.add(v.text().orElseThrow()));
      pages++;
      if (page.next().isEmpty()) {
        break;
      }
      cursor = Cursor.parse(page.next().get().toString()); // the cursor survives its text form
    }
    assertEquals(14, seen.size());
    assertEquals(new HashSet<>(expected), new HashSet<>(seen));
    // Newest first; at equal timestamps the order is stable, not by feed name.
    for (int i = 0; i < 7; i++) {
      String suffix = " " + (6 - i);
      assertTrue(seen.subList(2 * i, 2 * i + 2).stream().allMatch(t -> t.endsWith(suffix)), seen.toString());
    }
    assertEquals(5, pages);
    assertEquals(List.of("carol 6", "carol 5"),
        index.authorTimeline(carol.feed(), Cursor.LATEST, 2).items().stream().map(v -> v.text().orElseThrow()).toList());
    assertEquals(List.of("carol 2", "carol 1"), index.authorTimeline(carol.feed(), Cursor.before(T0 + 30_000), 2)
        .items().stream().map(v -> v.text().orElseThrow()).toList());
  }

  @Test
  void aPostDatedInTheFarFutureDoesNotStayOnTopOfTheHomeTimeline() {
    long[] now = {T0};
    index.close();
    index = FeedIndex.open(dir.resolve("clocked.db"), () -> now[0]);
    Person mallory = new Person();
    mallory.clock = Long.MAX_VALUE - 1000;
    mallory.post("forever first");
    Person eve = new Person();
    eve.clock = 8_640_000_000_000_000L; // one past the latest date JavaScript can show
    eve.post("past the end of time");
    Person alice = new Person();
    alice.clock = T0 - 60_000;
    alice.post("before them");
    ingest(mallory, eve, alice);
    now[0] = T0 + 86_400_000L; // a day later
    alice.clock = now[0] - 1000;
    alice.post("a day later");
    ingest(alice);

    Set<FeedId> all = Set.of(mallory.feed(), eve.feed(), alice.feed());
    List<String> seen = new ArrayList<>();
    Cursor cursor = Cursor.LATEST;
    while (true) {
      Page<ItemView> page = index.homeTimeline(all, cursor, 1);
      page.items().forEach(v -> seen.add(v.text().orElseThrow()));
      if (page.next().isEmpty()) {
        break;
      }
      cursor = Cursor.parse(page.next().get().toString());
    }
    assertEquals("a day later", seen.get(0), seen.toString());
    assertEquals(Set.of("forever first", "past the end of time", "before them", "a day later"), new HashSet<>(seen));
    assertEquals(4, seen.size(), "paging repeats or skips nothing: " + seen);
    assertEquals("before them", seen.get(3), "the claimed times still order what is not in the future");
    // The claim itself is still what the item says.
    ItemView pinned = index.authorTimeline(mallory.feed(), Cursor.LATEST, 5).items().get(0);
    assertEquals(Long.MAX_VALUE - 1000 + 1000, pinned.timestamp());
  }

  @Test
  void followerSeesLatestEditAndItsHistory() {
    Person alice = new Person();
    EntryRef post = alice.post("first draft about otters");
    ingest(alice);
    index.awaitSearch();
    alice.add(new Content.Edit(post.seq(), "second draft about beavers"));
    alice.add(new Content.Edit(post.seq(), "final text about badgers"));
    ingest(alice);

    PostDetail detail = index.post(post).orElseThrow();
    assertEquals(Optional.of("final text about badgers"), detail.item().text());
    assertTrue(detail.item().edited());
    assertEquals(List.of("first draft about otters", "second draft about beavers", "final text about badgers"),
        detail.history().stream().map(TextVersion::text).toList());
    assertEquals(List.of(0L, 1L, 2L), detail.history().stream().map(TextVersion::seq).toList());
    index.awaitSearch();
    assertEquals(1, index.search("badgers", 10).size());
    assertEquals(0, index.search("otters", 10).size(), "search sees the shown text only");
  }

  @Test
  void followerLosesDeletedBytesButKeepsTheThreadShape() throws Exception {
    Person alice = new Person();
    Person bob = new Person();
    EntryRef post = alice.post("secret zebracornflake plans");
    alice.add(new Content.Edit(post.seq(), "secret quokkamarmalade plans"));
    bob.comment(post, "reply stays");
    ingest(alice, bob);
    index.awaitSearch();
    assertEquals(1, index.search("quokkamarmalade", 5).size());

    alice.add(new Content.Delete(post.seq()));
    assertTrue(alice.log.entry(post.seq()).isRedacted());
    ingest(alice);
    index.awaitSearch();

    ThreadView thread = index.thread(post).orElseThrow();
    assertTrue(thread.root().item().deleted());
    assertEquals(Optional.empty(), thread.root().item().text());
    assertEquals("reply stays", thread.root().replies().get(0).item().text().orElseThrow());
    assertEquals(List.of(), index.post(post).orElseThrow().history());
    assertEquals(List.of(), index.search("zebracornflake", 5));
    assertEquals(List.of(), index.search("quokkamarmalade", 5));
    assertEquals(List.of(), index.authorTimeline(alice.feed(), Cursor.LATEST, 10).items());

    index.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    String bytes = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertFalse(bytes.contains("zebracornflake"), "deleted text left in the database file");
    assertFalse(bytes.contains("quokkamarmalade"), "deleted edit left in the database file");
    assertTrue(bytes.contains("reply stays"));
    index = FeedIndex.open(file);
  }

  @Test
  void deletedTextLeavesEveryIndexFileWhileTheIndexStaysOpen() throws Exception {
    Person alice = new Person();
    EntryRef post = alice.post("secret narwhalnoodle plans");
    alice.post("stays visible");
    ingest(alice);
    index.awaitSearch();
    assertEquals(1, index.search("narwhalnoodle", 5).size());

    alice.add(new Content.Delete(post.seq()));
    ingest(alice);
    index.awaitSearch();

    // no close, no manual checkpoint: a running node's files, the write-ahead log included
    List<Path> files;
    try (var s = Files.list(file.getParent())) {
      files = s.filter(f -> f.getFileName().toString().startsWith(file.getFileName().toString())).toList();
    }
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertFalse(bytes.contains("narwhalnoodle"), "deleted text left in " + f.getFileName());
    }
    assertEquals(1, index.authorTimeline(alice.feed(), Cursor.LATEST, 10).items().size());
  }

  @Test
  void aFeedVersionWithRedactedBodiesRemovesThemEvenWithoutItsDelete() {
    Person alice = new Person();
    EntryRef keep = alice.post("keep this");
    EntryRef gone = alice.post("withdrawn wombatwaffle");
    ingest(alice);
    index.awaitSearch();

    alice.add(new Content.Delete(gone.seq()));
    List<Entry> withoutTheDelete = alice.entries().subList(0, 2); // as a partial download would give
    IngestResult r = index.ingest(alice.feed(), withoutTheDelete);
    assertEquals(1, r.redacted());
    assertEquals(List.of(), index.search("wombatwaffle", 5));
    assertTrue(index.post(gone).orElseThrow().item().deleted());
    assertEquals(Optional.of("keep this"), index.post(keep).orElseThrow().item().text());
    assertEquals(new IngestResult(1, 0, 2), index.ingest(alice.feed(), alice.entries()));
  }

  @Test
  void threadNestsCommentsAndTakesARelayedCommentFromAnUnfollowedFeed() {
    Person alice = new Person();
    Person bob = new Person();
    Person carol = new Person(); // not followed: her comment arrives only relayed by Alice
    EntryRef post = alice.post("root");
    EntryRef bobReply = bob.comment(post, "bob on root");
    EntryRef carolReply = carol.comment(bobReply, "carol on bob");
    alice.add(new Content.Relay(carol.log.prove(carolReply.seq())));
    bob.add(new Content.Reaction(carolReply, "👍"));
    EntryRef aliceReply = alice.comment(post, "alice on root");
    ingest(alice, bob);

    ThreadView thread = index.thread(post).orElseThrow();
    assertEquals(4, thread.size());
    assertFalse(thread.truncated());
    ThreadNode root = thread.root();
    assertEquals("root", root.item().text().orElseThrow());
    assertEquals(2, root.item().replies());
    assertEquals(List.of("bob on root", "alice on root"),
        root.replies().stream().map(n -> n.item().text().orElseThrow()).toList());
    ThreadNode carolNode = root.replies().get(0).replies().get(0);
    assertEquals(carol.feed(), carolNode.item().author());
    assertEquals(ItemView.Kind.COMMENT, carolNode.item().kind());
    assertEquals(Optional.of(bobReply.withoutHash()), carolNode.item().replyTo());
    assertEquals(List.of(new ReactionCount("👍", 1)), carolNode.item().reactions());
    assertEquals(aliceReply.withoutHash(), root.replies().get(1).item().ref().withoutHash());
    assertEquals(Optional.of(thread.root().replies().get(0).item()),
        index.thread(bobReply).map(t -> t.root().item()));
  }

  @Test
  void aWithdrawnRelayTakesTheCarriedCommentOutOfSearchAndTheThread() {
    Person alice = new Person();
    Person carol = new Person(); // not followed: her comment arrives only relayed by Alice
    EntryRef post = alice.post("root");
    EntryRef carolReply = carol.comment(post, "carol's hedgehogsonnet");
    EntryRef relay = alice.add(new Content.Relay(carol.log.prove(carolReply.seq())));
    ingest(alice);
    index.awaitSearch();
    assertEquals(1, index.search("hedgehogsonnet", 5).size());

    carol.add(new Content.Delete(carolReply.seq())); // Carol deletes; Alice's node withdraws the relay
    alice.add(new Content.Delete(relay.seq()));
    ingest(alice);
    index.awaitSearch();

    assertEquals(List.of(), index.search("hedgehogsonnet", 5));
    ItemView carolNode = index.thread(post).orElseThrow().root().replies().get(0).item();
    assertTrue(carolNode.deleted());
    assertEquals(Optional.empty(), carolNode.text());
  }

  @Test
  void aWithdrawnRelayLeavesACommentTheAuthorsOwnFeedStillHolds() {
    Person alice = new Person();
    Person carol = new Person();
    EntryRef post = alice.post("root");
    EntryRef carolReply = carol.comment(post, "still here quillwort");
    EntryRef relay = alice.add(new Content.Relay(carol.log.prove(carolReply.seq())));
    ingest(alice, carol);
    alice.add(new Content.Delete(relay.seq()));
    ingest(alice);
    index.awaitSearch();

    assertEquals(1, index.search("quillwort", 5).size());
    assertEquals("still here quillwort",
        index.thread(post).orElseThrow().root().replies().get(0).item().text().orElseThrow());
  }

  @Test
  void reactionsCountEachAuthorOncePerEmojiAndDeletingOneRemovesIt() {
    Person alice = new Person();
    Person bob = new Person();
    Person carol = new Person();
    EntryRef post = alice.post("react to me");
    bob.add(new Content.Reaction(post, "❤"));
    bob.add(new Content.Reaction(post, "❤")); // twice: still one person
    bob.add(new Content.Reaction(post, "🎉"));
    EntryRef carolHeart = carol.add(new Content.Reaction(post, "❤"));
    ingest(alice, bob, carol);
    assertEquals(List.of(new ReactionCount("❤", 2), new ReactionCount("🎉", 1)),
        index.post(post).orElseThrow().item().reactions());

    carol.add(new Content.Delete(carolHeart.seq()));
    ingest(carol);
    assertEquals(List.of(new ReactionCount("❤", 1), new ReactionCount("🎉", 1)),
        index.homeTimeline(Set.of(alice.feed()), Cursor.LATEST, 5).items().get(0).reactions());
  }

  @Test
  void followGraphTakesTheLatestFollowOrUnfollow() {
    Person a = new Person();
    Person b = new Person();
    Person c = new Person();
    a.add(new Content.Follow(b.feed()));
    a.add(new Content.Follow(c.feed()));
    a.add(new Content.Unfollow(b.feed()));
    b.add(new Content.Follow(a.feed()));
    EntryRef bFollowsC = b.add(new Content.Follow(c.feed()));
    ingest(a, b, c);
    assertEquals(List.of(c.feed()), index.following(a.feed()));
    assertEquals(List.of(b.feed()), index.followers(a.feed()));
    assertEquals(sorted(a.feed(), b.feed()), index.followers(c.feed()));
    assertEquals(List.of(), index.followers(b.feed()));

    a.add(new Content.Follow(b.feed()));
    b.add(new Content.Delete(bFollowsC.seq()));
    ingest(a, b);
    assertEquals(sorted(b.feed(), c.feed()), index.following(a.feed()));
    assertEquals(List.of(a.feed()), index.followers(c.feed()));
    ProfileView pa = index.profile(a.feed()).orElseThrow();
    assertEquals(2, pa.following());
    assertEquals(1, pa.followers());
  }

  @Test
  void profileTakesTheLatestValueOfEachField() {
    Person a = new Person();
    a.add(new Content.Profile(Optional.of("Ada"), Optional.of("first bio")));
    a.add(new Content.Profile(Optional.empty(), Optional.of("mathematician")));
    a.post("hello");
    a.comment(a.post("second"), "self reply");
    ingest(a);
    ProfileView p = index.profile(a.feed()).orElseThrow();
    assertEquals(Optional.of("Ada"), p.name());
    assertEquals(Optional.of("mathematician"), p.bio());
    assertEquals(2, p.posts());
    assertEquals(1, p.comments());
    assertEquals(Optional.of("Ada"), index.authorTimeline(a.feed(), Cursor.LATEST, 1).items().get(0).authorName());

    EntryRef renamed = a.add(new Content.Profile(Optional.of("Ada L."), Optional.empty()));
    ingest(a);
    assertEquals(Optional.of("Ada L."), index.profile(a.feed()).orElseThrow().name());
    assertEquals(SearchHit.Kind.PROFILE, index.search("mathematician", 5).get(0).kind());
    a.add(new Content.Delete(renamed.seq()));
    ingest(a);
    assertEquals(Optional.of("Ada"), index.profile(a.feed()).orElseThrow().name());
    assertEquals(Optional.empty(), index.profile(new Person().feed()));
  }

  @Test
  void ingestingTheSameEntriesAgainChangesNothing() throws Exception {
    Person alice = new Person();
    Person bob = new Person();
    EntryRef post = alice.post("once");
    alice.add(new Content.Edit(post.seq(), "once, edited"));
    bob.comment(post, "reply");
    bob.add(new Content.Reaction(post, "👀"));
    bob.add(new Content.Follow(alice.feed()));
    alice.add(new Content.Profile(Optional.of("Alice"), Optional.empty()));
    alice.add(new Content.Relay(bob.log.prove(0)));
    ingest(alice, bob);
    index.awaitSearch();
    String before = dump();
    ThreadView thread = index.thread(post).orElseThrow();

    IngestResult again = index.ingest(alice.feed(), alice.entries());
    assertEquals(0, again.added());
    assertEquals(alice.entries().size(), again.skipped());
    ingest(bob, alice);
    index.awaitSearch();
    assertEquals(before, dump());
    assertEquals(thread, index.thread(post).orElseThrow());
    assertEquals(1, index.search("edited", 5).size());
  }

  @Test
  void searchRanksBetterMatchesFirstAndTakesAnyInputAsWords() {
    Person a = new Person();
    a.add(new Content.Profile(Optional.of("Gardener Grace"), Optional.of("I grow tomatoes")));
    a.post("tomatoes tomatoes tomatoes, all about tomatoes");
    a.post("a long post that mentions tomatoes only once among many other words about weather and bikes");
    a.post("nothing relevant here");
    a.post("unicode: naïve café Zürich 東京 emoji 🍅");
    ingest(a);
    index.awaitSearch();

    List<SearchHit> hits = index.search("tomatoes", 10);
    assertEquals(3, hits.size());
    assertEquals("tomatoes tomatoes tomatoes, all about tomatoes", hits.get(0).text());
    assertTrue(hits.get(0).score() >= hits.get(1).score());
    assertEquals(1, index.search("gardener", 10).size());
    assertEquals(1, index.search("zurich", 10).size(), "diacritics are folded");
    assertEquals(1, index.search("CAFÉ", 10).size());
    assertEquals(1, index.search("東京", 10).size());

    for (String hostile : List.of("\"", "\"\"", "AND OR", "AND", "OR NOT", "*", "tomatoes*", "NEAR(", "NEAR(a b",
        "text:tomatoes", "name : x", "^", "(", ")", "-tomatoes", "+", "'; DROP TABLE item; --", "\u0000", "",
        "   ", "\uD83C", "🍅", "a\"b", "{text name}: x", "tomatoes AND", "x".repeat(5000), "\u202e\u200b")) {
      assertDoesNotThrow(() -> index.search(hostile, 10), hostile);
    }
    assertEquals(1, index.search("AND", 10).size(), "operators are words: the post with 'and' in it");
    assertEquals(1, index.search("tomatoes once AND", 10).size());
    assertEquals(1, index.search("\"tomatoes\" \"once\"", 10).size());
  }

  @Test
  void htmlAndControlTextIsStoredVerbatim() {
    Person a = new Person();
    String xss = "<script>alert('x')</script> <img src=x onerror=alert(1)> & \"quotes\" \u202e";
    EntryRef post = a.post(xss);
    a.add(new Content.Profile(Optional.of("<b>bold</b>"), Optional.empty()));
    ingest(a);
    index.awaitSearch();
    assertEquals(Optional.of(xss), index.post(post).orElseThrow().item().text());
    assertEquals(Optional.of("<b>bold</b>"), index.profile(a.feed()).orElseThrow().name());
    assertEquals(xss, index.search("onerror", 5).get(0).text());
  }

  @Test
  void clearingAFeedOrEverythingLetsReingestRebuild() {
    Person a = new Person();
    Person b = new Person();
    EntryRef post = a.post("alpha searchable");
    b.comment(post, "beta searchable");
    ingest(a, b);
    index.awaitSearch();
    assertEquals(2, index.search("searchable", 10).size());

    index.clearFeed(a.feed());
    assertEquals(List.of(), index.authorTimeline(a.feed(), Cursor.LATEST, 10).items());
    assertEquals(1, index.search("searchable", 10).size());
    ingest(a);
    index.awaitSearch();
    assertEquals(2, index.search("searchable", 10).size());
    assertEquals(2, index.thread(post).orElseThrow().size());

    index.clearAll();
    assertEquals(List.of(), index.search("searchable", 10));
    assertEquals(Optional.empty(), index.profile(a.feed()));
    ingest(a, b);
    index.awaitSearch();
    assertEquals(2, index.search("searchable", 10).size());
  }

  @Test
  void unfollowingAnAuthorKeepsHerCommentsThatAFollowedFeedRelays() throws Exception {
    Person alice = new Person();
    Person bob = new Person();
    Person carol = new Person();
    EntryRef post = alice.post("root");
    EntryRef carolReply = carol.comment(post, "carol's original puffinpaella");
    EntryRef carolHeart = carol.add(new Content.Reaction(post, "❤"));
    carol.post("carol's own kelpiekettle");
    carol.add(new Content.Profile(Optional.of("Carol"), Optional.empty()));
    carol.add(new Content.Edit(carolReply.seq(), "carol's edited narwhalnoodle"));
    alice.add(new Content.Relay(carol.log.prove(carolReply.seq())));
    alice.add(new Content.Relay(carol.log.prove(carolHeart.seq())));
    bob.add(new Content.Reaction(carolReply, "👍"));
    ingest(carol, alice, bob); // Carol's own feed first: the relays add nothing yet
    index.awaitSearch();

    index.clearFeed(carol.feed());
    index.awaitSearch();

    assertEquals(reindexed(alice, bob), canonical(file));
    ItemView kept = index.thread(post).orElseThrow().root().replies().get(0).item();
    assertEquals(Optional.of("carol's original puffinpaella"), kept.text());
    assertEquals(List.of(new ReactionCount("👍", 1)), kept.reactions());
    assertEquals(List.of(new ReactionCount("❤", 1)), index.post(post).orElseThrow().item().reactions());
    assertEquals(1, index.search("puffinpaella", 5).size());
    assertEquals(List.of(), index.search("narwhalnoodle", 5), "her edit left with her feed");
    assertEquals(List.of(), index.search("kelpiekettle", 5));
    assertEquals(List.of(), index.authorTimeline(carol.feed(), Cursor.LATEST, 5).items());
    assertEquals(Optional.empty(), index.profile(carol.feed()).orElseThrow().name());
  }

  @Test
  void unfollowingARelayingFeedDropsTheCommentsOnlyItCarried() throws Exception {
    Person alice = new Person();
    Person bob = new Person();
    Person carol = new Person(); // not followed: her comments arrive only relayed
    Person dave = new Person(); // followed: his own feed holds his comment
    EntryRef post = alice.post("root");
    EntryRef bobPost = bob.post("bob's root");
    EntryRef onlyAlice = carol.comment(post, "only alice carries dododuvet");
    EntryRef both = carol.comment(bobPost, "bob carries tapirtoast too");
    EntryRef daveReply = dave.comment(post, "dave holds his yakyogurt");
    alice.add(new Content.Relay(carol.log.prove(onlyAlice.seq())));
    alice.add(new Content.Relay(carol.log.prove(both.seq())));
    alice.add(new Content.Relay(dave.log.prove(daveReply.seq())));
    bob.add(new Content.Relay(carol.log.prove(both.seq())));
    ingest(alice, bob, dave);
    index.awaitSearch();
    assertEquals(1, index.search("dododuvet", 5).size());

    index.clearFeed(alice.feed());
    index.awaitSearch();

    assertEquals(reindexed(bob, dave), canonical(file));
    assertEquals(List.of(), index.search("dododuvet", 5), "no stored feed holds it any more");
    assertEquals(Optional.empty(), index.post(onlyAlice), "gone, not a tombstone: nobody deleted it");
    assertEquals(1, index.search("tapirtoast", 5).size());
    assertEquals(1, index.search("yakyogurt", 5).size());
  }

  @Test
  void refollowingAnAuthorWhoseRelayedCommentsStayedGivesWhatAReindexGives() throws Exception {
    Person alice = new Person();
    Person carol = new Person();
    EntryRef post = alice.post("root");
    EntryRef carolPost = carol.post("carol's relayed emuessay");
    EntryRef carolReply = carol.comment(post, "carol's first ibisidea");
    alice.add(new Content.Relay(carol.log.prove(carolPost.seq())));
    alice.add(new Content.Relay(carol.log.prove(carolReply.seq())));
    ingest(carol, alice);
    index.clearFeed(carol.feed());
    index.awaitSearch();

    carol.add(new Content.Edit(carolReply.seq(), "carol's second lemurlimerick"));
    carol.post("carol's new okapiode");
    ingest(carol);
    index.awaitSearch();

    String refollowed = canonical(file);
    assertEquals(reindexed(alice, carol), refollowed);
    assertEquals(reindexed(carol, alice), refollowed);
    assertEquals(2, index.profile(carol.feed()).orElseThrow().posts());
    assertEquals(List.of(), index.search("ibisidea", 5));
    assertEquals(1, index.search("lemurlimerick", 5).size());
    ingest(carol, alice);
    index.awaitSearch();
    assertEquals(refollowed, canonical(file));
  }

  @Test
  void reopeningKeepsTheIndexAndAnOlderSchemaAsksForARebuild() throws Exception {
    assertTrue(index.needsRebuild());
    Person a = new Person();
    a.post("persisted");
    ingest(a);
    index.close();
    index = FeedIndex.open(file);
    assertFalse(index.needsRebuild());
    assertEquals(1, index.authorTimeline(a.feed(), Cursor.LATEST, 5).items().size());
    index.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("UPDATE meta SET value = 0 WHERE key = 'schema_version'");
    }
    index = FeedIndex.open(file);
    assertTrue(index.needsRebuild());
    assertEquals(List.of(), index.authorTimeline(a.feed(), Cursor.LATEST, 5).items());
  }

  @Test
  void anIndexFromBeforeLargePagesIsRebuiltWithThem() throws Exception {
    assertEquals(Schema.PAGE_SIZE, pageSize(file), "a new index");
    index.close();
    Path old = dir.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size = 4096");
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      s.execute("INSERT INTO meta VALUES('schema_version', 1)");
      s.execute("CREATE TABLE item(id INTEGER PRIMARY KEY, text TEXT)");
      s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
          + " INSERT INTO item(text) SELECT 'filler' FROM n");
    }
    assertEquals(4096, pageSize(old));
    index = FeedIndex.open(old);
    assertTrue(index.needsRebuild());
    Person a = new Person();
    a.post("after the rebuild");
    ingest(a);
    assertEquals(1, index.authorTimeline(a.feed(), Cursor.LATEST, 5).items().size());
    index.close();
    assertEquals(Schema.PAGE_SIZE, pageSize(old));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertEquals("wal", rs.getString(1));
    }
    index = FeedIndex.open(old);
    assertFalse(index.needsRebuild());
    assertEquals(1, index.authorTimeline(a.feed(), Cursor.LATEST, 5).items().size());
  }

  private static int pageSize(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA page_size")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static List<FeedId> sorted(FeedId... feeds) {
    List<FeedId> l = new ArrayList<>(List.of(feeds));
    l.sort(null);
    return l;
  }

  /** What a reindex of {@code people}'s feeds gives: a fresh index of them, {@link #canonical}. */
  private String reindexed(Person... people) throws Exception {
    Path fresh = Files.createTempFile(dir, "reindex", ".db");
    Files.delete(fresh);
    try (FeedIndex rebuilt = FeedIndex.open(fresh)) {
      for (Person p : people) {
        rebuilt.ingest(p.feed(), p.entries());
      }
      rebuilt.awaitSearch();
    }
    return canonical(fresh);
  }

  /**
   * Every row of every table with feeds named by key, not by row id, and the searchable text,
   * so that two indexes built in different orders compare equal. Feeds that hold nothing of
   * their own (only named by others) are left out, as a reindex may not number them at all.
   */
  private static String canonical(Path db) throws Exception {
    List<String> queries = List.of(
        "SELECT hex(key), next_seq, posts, name, bio FROM feed"
            + " WHERE next_seq > 0 OR posts > 0 OR name IS NOT NULL OR bio IS NOT NULL",
        "SELECT hex(f.key), i.seq, kind, ts, sort_ts, hex(hash), hex(p.key), parent_seq, text, orig, edit_seq,"
            + " edited_ts, deleted, i.text IS NOT NULL AND i.id IN (SELECT rowid FROM search WHERE search MATCH"
            + " 'text:\"' || replace(coalesce(i.text, ''), '\"', '\"\"') || '\"') FROM item i JOIN feed f ON f.id = i.feed"
            + " LEFT JOIN feed p ON p.id = i.parent_feed",
        "SELECT hex(f.key), e.seq, target, ts, text FROM edit e JOIN feed f ON f.id = e.feed",
        "SELECT hex(f.key), r.seq, hex(t.key), target_seq, emoji FROM reaction r JOIN feed f ON f.id = r.feed"
            + " JOIN feed t ON t.id = r.target_feed",
        "SELECT hex(f.key), w.seq, hex(t.key), follows FROM follow w JOIN feed f ON f.id = w.feed"
            + " JOIN feed t ON t.id = w.target",
        "SELECT hex(f.key), p.seq, p.name, p.bio FROM profile p JOIN feed f ON f.id = p.feed",
        "SELECT hex(f.key), r.seq, hex(a.key), author_seq FROM relay r JOIN feed f ON f.id = r.feed"
            + " JOIN feed a ON a.id = r.author",
        "SELECT count(*) FROM search_docsize");
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      for (String q : queries) {
        try (ResultSet rs = s.executeQuery(q)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder sb = new StringBuilder(q.replaceAll(".* FROM (\\w+).*", "$1"));
            for (int i = 1; i <= n; i++) {
              sb.append('|').append(rs.getObject(i));
            }
            rows.add(sb.toString());
          }
        }
      }
    }
    rows.sort(null);
    return String.join("\n", rows);
  }

  /** Every row of every table, for before/after comparisons. */
  private String dump() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      for (String table : List.of("feed", "item", "edit", "reaction", "follow", "profile", "meta")) {
        try (var rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2")) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            sb.append(table);
            for (int i = 1; i <= n; i++) {
              Object o = rs.getObject(i);
              sb.append('|').append(o instanceof byte[] b ? new String(b, UTF_8) : o);
            }
            sb.append('\n');
          }
        }
      }
      try (var rs = s.executeQuery("SELECT count(*) FROM search_data")) {
        rs.next();
        sb.append("fts pages ").append(rs.getLong(1));
      }
    }
    return sb.toString();
  }
}
