package org.charkha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes in one JVM on 127.0.0.1: real bt, real files, the push extension; no DHT (mldht
 * cannot run on loopback, so the first item is handed over as a DHT get would). The multi-host
 * scenarios with the DHT are in test-swarm/.
 */
class TwoNodesLoopbackTest {
  @TempDir Path tmp;
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(Node::close);
  }

  private LoopbackNode start(String name) throws IOException {
    LoopbackNode started = LoopbackNode.start(tmp.resolve(name), Duration.ofSeconds(60));
    nodes.add(started.node());
    return started;
  }

  private static FeedLog held(Node node, FeedId feed) throws Exception {
    return node.data().feed(feed).load().orElse(FeedLog.empty(feed));
  }

  private static boolean holdsText(Node node, FeedId feed, String text) throws Exception {
    for (Entry e : held(node, feed).entries()) {
      if (e.content() instanceof Content.Post p && p.text().equals(text)) {
        return true;
      }
      if (e.content() instanceof Content.Edit ed && ed.text().equals(text)) {
        return true;
      }
    }
    return false;
  }

  private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what + Stuck.describe(nodes));
      }
      Thread.sleep(100);
    }
  }

  private static BooleanSupplier holds(Node node, FeedId feed, String text) {
    return () -> {
      try {
        return holdsText(node, feed, text);
      } catch (Exception e) {
        return false;
      }
    };
  }

  @Test
  void followerSeesPostsEditsAndDeletesAndLosesDeletedBytes() throws Exception {
    LoopbackNode author = start("author");
    LoopbackNode follower = start("follower");
    FeedId a = author.node().own().feed();
    OwnFeed.Published hello = author.node().own().append(new Content.Post("hello from the author"));
    author.node().checkOwnFeed();
    follower.node().own().append(new Content.Follow(a));
    follower.node().checkOwnFeed();
    // What a DHT get would return, with the author as a known peer.
    follower.node().sync().offer(author.node().own().currentItem().orElseThrow(), List.of(author.address()));
    await("the follower holds the first post", Duration.ofSeconds(30), holds(follower.node(), a, "hello from the author"));

    // Later versions arrive by push over the open connection, with no DHT and no polling.
    author.node().own().append(new Content.Post("second post"));
    author.node().checkOwnFeed();
    await("the pushed second post arrives", Duration.ofSeconds(30), holds(follower.node(), a, "second post"));

    author.node().own().append(new Content.Edit(hello.entry().seq(), "hello, edited"));
    author.node().checkOwnFeed();
    await("the edit arrives", Duration.ofSeconds(30), holds(follower.node(), a, "hello, edited"));

    author.node().own().append(new Content.Delete(hello.entry().seq()));
    author.node().checkOwnFeed();
    await("the delete arrives", Duration.ofSeconds(30),
        () -> {
          try {
            return held(follower.node(), a).entry(hello.entry().seq()).isRedacted();
          } catch (Exception e) {
            return false;
          }
        });
    Path feedDir = follower.node().data().feed(a).dir();
    await("no file of the follower holds the deleted text", Duration.ofSeconds(20),
        () -> !anyFileContains(feedDir, "hello from the author") && !anyFileContains(feedDir, "hello, edited"));
    assertTrue(holdsText(follower.node(), a, "second post"));
    assertEquals(Optional.of(author.node().own().currentItem().orElseThrow().seq()),
        follower.node().data().feed(a).readItem().map(i -> i.seq()));
  }

  @Test
  void aThirdNodeGetsTheWholeFeedFromAFollowerAfterTheAuthorStops() throws Exception {
    LoopbackNode author = start("author");
    LoopbackNode follower = start("follower");
    FeedId a = author.node().own().feed();
    for (int i = 0; i < 400; i++) {
      author.node().own().append(new Content.Post("post " + i + " " + "x".repeat(200)));
    }
    author.node().checkOwnFeed();
    var item = author.node().own().currentItem().orElseThrow();
    follower.node().own().append(new Content.Follow(a));
    follower.node().checkOwnFeed();
    follower.node().sync().offer(item, List.of(author.address()));
    await("the follower holds all 400 posts", Duration.ofSeconds(60), () -> {
      try {
        return held(follower.node(), a).size() == 400;
      } catch (Exception e) {
        return false;
      }
    });
    author.node().close();
    nodes.remove(author.node());

    LoopbackNode third = start("third");
    third.node().own().append(new Content.Follow(a));
    third.node().checkOwnFeed();
    third.node().sync().offer(item, List.of(follower.address()));
    await("the third node holds all 400 posts from the follower alone", Duration.ofSeconds(60), () -> {
      try {
        return held(third.node(), a).size() == 400;
      } catch (Exception e) {
        return false;
      }
    });
    assertFalse(third.node().sync().status().get(0).rejected() != null,
        "no rejection: " + third.node().sync().status());
  }

  private static boolean anyFileContains(Path dir, String text) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text)) {
          return true;
        }
      }
      return false;
    } catch (IOException | java.io.UncheckedIOException e) {
      return true; // a version directory vanished while we looked: look again
    }
  }

  @Test
  void aCommentFromSomeoneTheFollowerDoesNotFollowReachesThemThroughTheAuthor() throws Exception {
    LoopbackNode author = start("author");
    LoopbackNode follower = start("follower");
    LoopbackNode commenter = start("commenter");
    FeedId a = author.node().own().feed();
    OwnFeed.Published post = author.node().own().append(new Content.Post("what do you think?"));
    author.node().checkOwnFeed();
    var item = author.node().own().currentItem().orElseThrow();
    for (LoopbackNode s : List.of(follower, commenter)) {
      s.node().own().append(new Content.Follow(a));
      s.node().checkOwnFeed();
      s.node().sync().offer(item, List.of(author.address()));
    }
    await("both hold the post", Duration.ofSeconds(30), () -> {
      try {
        return held(follower.node(), a).size() == 1 && held(commenter.node(), a).size() == 1;
      } catch (Exception e) {
        return false;
      }
    });

    EntryRef on = EntryRef.parse(a + "/" + post.entry().seq());
    commenter.node().app().comment(on.toString(), "spin your own thread");
    await("the follower's thread shows the commenter's reply, carried by the author", Duration.ofSeconds(60), () ->
        follower.node().index().thread(on)
            .map(t -> t.root().replies().stream().anyMatch(r -> r.item().text().orElse("").equals("spin your own thread")
                && r.item().author().equals(commenter.node().own().feed())))
            .orElse(false));
    assertFalse(follower.node().sync().followed().contains(commenter.node().own().feed()),
        "the follower never followed the commenter");
  }

  @Test
  void aFollowerThatCrashedBeforeIndexingCatchesUpOnRestart() throws Exception {
    LoopbackNode author = start("author");
    LoopbackNode follower = start("follower");
    FeedId a = author.node().own().feed();
    author.node().own().append(new Content.Post("indexed after the crash"));
    author.node().checkOwnFeed();
    follower.node().own().append(new Content.Follow(a));
    follower.node().checkOwnFeed();
    follower.node().sync().offer(author.node().own().currentItem().orElseThrow(), List.of(author.address()));
    await("the follower holds the post", Duration.ofSeconds(30), holds(follower.node(), a, "indexed after the crash"));
    follower.node().close();
    nodes.remove(follower.node());
    // The crash: the feed was stored but its entries never reached the index.
    try (org.charkha.index.FeedIndex index = org.charkha.index.FeedIndex.open(tmp.resolve("follower").resolve("index.db"))) {
      index.clearFeed(a);
    }
    LoopbackNode again = start("follower");
    await("the restarted node indexes what it holds", Duration.ofSeconds(30), () ->
        again.node().app().homeTimeline(null, 10).items().stream()
            .anyMatch(p -> p.text().equals("indexed after the crash")));
  }
}
