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
}
