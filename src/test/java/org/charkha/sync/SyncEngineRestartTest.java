package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a follower's node does with the feeds it holds when it starts again. */
class SyncEngineRestartTest {
  @TempDir Path tmp;

  @Test
  void aRestartedFollowerHandsTheItemsItHoldsToThePush() throws Exception {
    DataDir data = DataDir.open(tmp.resolve("follower"));
    data.initialize();
    Identity alice = Identity.generate();
    FeedLog log = FeedLog.empty(alice.feed());
    log.appendAll(alice, List.of(new Content.Post("held from the last run")), List.of(1_700_000_000_000L));
    FeedStore store = data.feed(alice.feed());
    store.writeVersion(3, log);
    MutableItem held = MutableItem.signInfohash(alice, alice.feed(), 3, FeedTorrent.of(log).infohash());
    store.writeItem(held);
    OwnFeed own = OwnFeed.open(data);
    own.append(new Content.Follow(alice.feed()));

    SyncEngine sync = new SyncEngine(data, own, new FakeFeedNetwork(),
        new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofMillis(100)));
    List<MutableItem> pushed = new CopyOnWriteArrayList<>();
    sync.addItemListener(pushed::add);
    try {
      sync.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (pushed.stream().noneMatch(i -> i.feed().equals(alice.feed())) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      sync.close();
    }
    List<MutableItem> alices = pushed.stream().filter(i -> i.feed().equals(alice.feed())).toList();
    assertEquals(List.of(held), alices, "the held item goes to the push once, without waiting for a change");
    assertTrue(pushed.stream().anyMatch(i -> i.feed().equals(own.feed())), "and the own item, as before");
  }

  @Test
  void aFeedUnfollowedWhileNoNodeRanIsDroppedAtStartButFollowsAndReplySourcesStay() throws Exception {
    DataDir data = DataDir.open(tmp.resolve("node"));
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    own.append(new Content.Post("my post"));
    Identity followed = Identity.generate();
    Identity unfollowed = Identity.generate();
    Identity commenter = Identity.generate();
    store(data, followed, new Content.Post("still followed"));
    store(data, unfollowed, new Content.Post("unfollowed while the node was off"));
    store(data, commenter, new Content.Comment(org.charkha.feed.EntryRef.of(own.feed(), 0), "a reply to my post"));
    own.append(new Content.Follow(followed.feed()));
    own.append(new Content.Follow(unfollowed.feed()));
    own.append(new Content.Unfollow(unfollowed.feed())); // `charkha unfollow` with no node running

    SyncEngine sync = new SyncEngine(data, own, new FakeFeedNetwork(),
        new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofMillis(100)));
    List<org.charkha.feed.FeedId> dropped = new CopyOnWriteArrayList<>();
    sync.addDropListener(dropped::add);
    try {
      sync.start();
    } finally {
      sync.close();
    }
    assertEquals(List.of(unfollowed.feed()), dropped, "the node is told, to clear it from the index");
    assertTrue(data.feed(unfollowed.feed()).load().isEmpty(), "its stored copy is gone");
    assertTrue(data.feed(followed.feed()).load().isPresent(), "a followed feed stays");
    assertTrue(data.feed(commenter.feed()).load().isPresent(), "a reply source stays: its replies are carried");
    assertEquals(java.util.Set.of(followed.feed()), sync.followed());
  }

  private static void store(DataDir data, Identity author, Content content) throws Exception {
    FeedLog log = FeedLog.empty(author.feed());
    log.appendAll(author, List.of(content), List.of(1_700_000_000_000L));
    FeedStore store = data.feed(author.feed());
    store.writeVersion(1, log);
    store.writeItem(MutableItem.signInfohash(author, author.feed(), 1, FeedTorrent.of(log).infohash()));
  }
}
