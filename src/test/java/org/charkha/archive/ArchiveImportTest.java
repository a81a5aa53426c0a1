package org.charkha.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveImportTest {
  @TempDir Path tmp;

  private Path resource(String name) throws Exception {
    Path p = tmp.resolve(name);
    try (var in = getClass().getResourceAsStream("/archives/" + name)) {
      Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  @Test
  void mastodonOutboxKeepsDatesTextAndOwnThreads() throws Exception {
    ArchiveReport report = ArchiveReader.read(resource("outbox.json"));
    assertEquals(6, report.posts().size());
    assertEquals(1, report.skipped().get("boost of someone else's post"));
    assertEquals(1, report.skipped().get("no readable date"));
    ArchivePost first = report.posts().get(0);
    assertEquals(Instant.parse("2022-11-05T09:12:44Z").toEpochMilli(), first.timestampMillis());
    assertEquals("Hello fediverse! Spinning my own thread & weaving <cloth>.\n\nSecond paragraph\nwith a break.",
        first.text());
    assertTrue(report.posts().get(3).text().contains("[1 attachment(s) not imported]"));

    Identity me = Identity.generate();
    ArchiveImport.Plan plan = ArchiveImport.plan(report.posts(), me.feed(), 0);
    assertEquals(1, plan.repliesKept());
    assertEquals(1, plan.repliesFlattened());
    Content.Comment reply = assertInstanceOf(Content.Comment.class, plan.contents().get(1));
    assertEquals(0, reply.on().seq(), "the self-reply points at the imported first post");
  }

  @Test
  void mastodonImportsPublicAndUnlistedButNeverFollowersOnlyOrDirectMessages() throws Exception {
    ArchiveReport report = ArchiveReader.read(resource("outbox.json"));
    assertEquals(2, report.skipped().get("followers-only post"));
    assertEquals(1, report.skipped().get("direct message"));
    assertTrue(report.posts().stream().anyMatch(p -> p.text().equals("Unlisted musings, quiet but not secret.")));
    for (ArchivePost p : report.posts()) {
      assertFalse(p.text().contains("555-0100"), "a direct message became a public post");
      assertFalse(p.text().contains("yarn stash") || p.text().contains("followers-only reply"),
          "a followers-only post became a public post");
    }
  }

  @Test
  void mastodonContentWarningStaysVisibleAheadOfTheText() throws Exception {
    ArchiveReport report = ArchiveReader.read(resource("outbox.json"));
    assertTrue(report.posts().stream().anyMatch(p -> p.text().equals(
        "CW: spoilers: weaving finale\n\nThe finale: the thread snaps and she spins it again.")));
    ArchiveReport media = ArchiveReader.readMastodon(new ObjectMapper().readTree("""
        {"orderedItems": [{"type": "Create", "object": {"id": "a", "type": "Note", "published": "2022-11-05T09:00:00Z",
          "to": ["https://www.w3.org/ns/activitystreams#Public"], "summary": null, "sensitive": true,
          "content": "<p>look</p>", "attachment": [{"type": "Document", "mediaType": "image/png"}]}}]}"""));
    assertEquals("look\n[1 attachment(s) marked sensitive not imported]", media.posts().get(0).text());
  }

  @Test
  void mastodonStatusListedTwiceIsImportedOnceAndReported() throws Exception {
    ArchiveReport report = ArchiveReader.read(resource("outbox.json"));
    assertEquals(1, report.skipped().get("duplicate of an earlier item"));
    assertEquals(1, report.posts().stream().filter(p -> p.text().startsWith("Unlisted musings")).count());
  }

  @Test
  void pollsAndUnknownObjectsAreReportedByWhatTheyAreAndArticlesKeepTheirTitle() throws Exception {
    assertEquals(1, ArchiveReader.read(resource("outbox.json")).skipped().get("a poll (Question) is not imported"));
    ArchiveReport report = ArchiveReader.readMastodon(new ObjectMapper().readTree("""
        {"orderedItems": [
          {"type": "Create", "object": {"id": "a", "type": "Article", "name": "On spinning", "published": "2022-11-05T09:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "content": "<p>Long form.</p>"}},
          {"type": "Create", "object": {"id": "b", "type": "Event", "published": "2022-11-05T09:01:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "content": "<p>meetup</p>"}},
          {"type": "Create", "object": {"id": "c", "type": "\\u001b[2Jevil", "published": "2022-11-05T09:02:00Z"}},
          {"type": "Like", "object": "https://other.example/users/bo/statuses/1"}
        ]}"""));
    assertEquals(List.of("On spinning\n\nLong form."), report.posts().stream().map(ArchivePost::text).toList());
    assertEquals(Map.of("Event is not imported", 1, "an unknown type is not imported", 1, "not a post (Like)", 1),
        report.skipped());
  }

  @Test
  void mastodonAcceptsCompactPublicFormsAndSkipsUnaddressedItems() throws Exception {
    ArchiveReport report = ArchiveReader.readMastodon(new ObjectMapper().readTree("""
        {"orderedItems": [
          {"type": "Create", "object": {"id": "a", "type": "Note", "published": "2022-11-05T09:00:00Z",
            "to": "as:Public", "content": "<p>compact as:Public</p>"}},
          {"type": "Create", "object": {"id": "b", "type": "Note", "published": "2022-11-05T09:01:00Z",
            "to": [], "cc": ["Public"], "content": "<p>bare Public in cc</p>"}},
          {"type": "Create", "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"id": "c", "type": "Note", "published": "2022-11-05T09:02:00Z", "content": "<p>only the activity says</p>"}},
          {"type": "Create", "object": {"id": "d", "type": "Note", "published": "2022-11-05T09:03:00Z",
            "content": "<p>addressed to nobody</p>"}}
        ]}"""));
    assertEquals(List.of("compact as:Public", "bare Public in cc", "only the activity says"),
        report.posts().stream().map(ArchivePost::text).toList());
    assertEquals(Map.of("no audience (no to or cc)", 1), report.skipped());
  }

  @Test
  void twitterArchiveExpandsLinksUnescapesAndSkipsRetweets() throws Exception {
    ArchiveReport report = ArchiveReader.read(resource("tweets.js"));
    assertEquals(2, report.posts().size());
    assertEquals(1, report.skipped().get("retweet of someone else's post"));
    assertEquals(1, report.skipped().get("duplicate of an earlier item"));
    assertEquals("Leaving for a P2P network & more: https://example.org/charkha", report.posts().get(0).text());
    assertEquals(Instant.parse("2022-10-12T07:30:00Z").toEpochMilli(), report.posts().get(0).timestampMillis());
    ArchiveImport.Plan plan = ArchiveImport.plan(report.posts(), Identity.generate().feed(), 5);
    assertEquals(5, assertInstanceOf(Content.Comment.class, plan.contents().get(1)).on().seq());
  }

  @Test
  void importingTheSameArchiveAgainAddsNothingEvenAfterEditsAndDeletes() throws Exception {
    Identity me = Identity.generate();
    FeedLog log = FeedLog.empty(me.feed());
    log.append(me, new Content.Post("written on Charkha before the import"), 1_700_000_000_123L);
    ArchiveReport first = ArchiveReader.read(resource("outbox.json"));
    ArchiveImport.Plan plan = ArchiveImport.plan(first, log);
    log.appendAll(me, plan.contents(), plan.timestamps());
    assertEquals(null, first.skipped().get("already imported"));
    long unlisted = seqWithText(log, "Unlisted musings, quiet but not secret.");
    log.append(me, new Content.Edit(1, "Hello fediverse, edited on Charkha"), 1_700_000_001_000L);
    log.append(me, new Content.Delete(unlisted), 1_700_000_002_000L);
    long size = log.size();

    ArchiveReport again = ArchiveReader.read(resource("outbox.json"));
    ArchiveImport.Plan second = ArchiveImport.plan(again, log);

    assertEquals(List.of(), second.contents(), "nothing is imported twice, and the deleted post stays deleted");
    assertEquals(again.posts().size(), again.skipped().get("already imported"));
    assertEquals(size, log.size());
  }

  @Test
  void newerArchiveAddsOnlyNewPostsAndTheirRepliesAttachToTheEarlierImport() throws Exception {
    Identity me = Identity.generate();
    FeedLog log = FeedLog.empty(me.feed());
    log.append(me, new Content.Post("an unrelated first entry"), 1_600_000_000_000L);
    ArchiveReport full = ArchiveReader.read(resource("tweets.js"));
    ArchiveReport older = new ArchiveReport();
    older.add(full.posts().get(0));
    ArchiveImport.Plan first = ArchiveImport.plan(older, log);
    log.appendAll(me, first.contents(), first.timestamps());

    ArchiveImport.Plan second = ArchiveImport.plan(full, log);

    assertEquals(1, full.skipped().get("already imported"));
    assertEquals(1, second.contents().size());
    Content.Comment reply = assertInstanceOf(Content.Comment.class, second.contents().get(0));
    assertEquals(1, reply.on().seq(), "the new reply points at the tweet imported the first time");
    assertEquals("And a follow-up in my own thread", reply.text());
  }

  private static long seqWithText(FeedLog log, String text) {
    return log.entries().stream().filter(e -> e.content() instanceof Content.Post p && p.text().equals(text))
        .findFirst().orElseThrow().seq();
  }

  @Test
  void tensOfThousandsOfPostsImportAsOneVerifiableVersion() throws Exception {
    Identity me = Identity.generate();
    List<ArchivePost> posts = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      posts.add(new ArchivePost("id" + i, 1_600_000_000_000L + i * 60_000L,
          "post number " + i + " " + "lorem ipsum dolor sit amet ".repeat(6), i % 10 == 9 ? "id" + (i - 1) : null));
    }
    ArchiveImport.Plan plan = ArchiveImport.plan(posts, me.feed(), 0);
    FeedLog log = FeedLog.empty(me.feed());
    long start = System.nanoTime();
    log.appendAll(me, plan.contents(), plan.timestamps());
    long millis = (System.nanoTime() - start) / 1_000_000;
    FeedLog verified = FeedVerifier.verify(me.feed(), log.pieces());
    assertEquals(30_000, verified.size());
    Entry last = verified.entry(29_999);
    assertInstanceOf(Content.Comment.class, last.content());
    assertEquals(1_600_000_000_000L + 29_999 * 60_000L, last.timestamp());
    System.out.println("appendAll of 30,000 posts: " + millis + " ms");

    ArchiveReport again = new ArchiveReport();
    posts.forEach(again::add);
    start = System.nanoTime();
    ArchiveImport.Plan second = ArchiveImport.plan(again, verified);
    System.out.println("re-import plan of 30,000 posts: " + (System.nanoTime() - start) / 1_000_000 + " ms");
    assertEquals(0, second.contents().size());
    assertEquals(30_000, again.skipped().get("already imported"));
  }

  @Test
  void bulkAppendPacksLikeSingleAppends() {
    Identity me = Identity.generate();
    FeedLog one = FeedLog.empty(me.feed());
    FeedLog bulk = FeedLog.empty(me.feed());
    List<Content> contents = new ArrayList<>();
    List<Long> ts = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      Content c = new Content.Post("entry " + i + " " + "x".repeat(i % 300));
      one.append(me, c, i);
      contents.add(c);
      ts.add((long) i);
    }
    bulk.append(me, contents.get(0), 0);
    bulk.appendAll(me, contents.subList(1, 700), ts.subList(1, 700));
    assertEquals(one.pieces().size(), bulk.pieces().size());
    for (int i = 0; i < one.pieces().size(); i++) {
      assertTrue(java.util.Arrays.equals(one.pieces().get(i), bulk.pieces().get(i)), "piece " + i + " differs");
    }
  }
}
