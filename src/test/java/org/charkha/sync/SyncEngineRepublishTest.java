package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 0009 §2: the author re-puts its item, and every follower re-puts the item it holds for each
 * followed feed, exactly as signed, so that a feed stays resolvable while its author is offline.
 */
class SyncEngineRepublishTest {
  private static final Duration REPUBLISH = Duration.ofMillis(200);

  @TempDir Path tmp;

  @Test
  void ownItemAndEveryFollowedItemAreRePutAsSignedEvenWhileTheirAuthorIsOffline() throws Exception {
    DataDir data = DataDir.open(tmp.resolve("node"));
    data.initialize();
    // Two followed feeds held from an earlier run; their authors are offline (nothing serves
    // them, the DHT has forgotten them). One has a salt: it is part of the signed item too.
    Identity alice = Identity.generate();
    Identity bob = Identity.generate();
    FeedId bobsSaltedFeed = FeedId.of(bob.feed().publicKey(), "photos".getBytes(StandardCharsets.UTF_8));
    MutableItem alicesItem = hold(data, alice, alice.feed());
    MutableItem bobsItem = hold(data, bob, bobsSaltedFeed);
    OwnFeed own = OwnFeed.open(data);
    own.appendAll(List.of(new Content.Follow(alice.feed()), new Content.Follow(bobsSaltedFeed)),
        List.of(1_700_000_000_000L, 1_700_000_000_001L));
    MutableItem ownItem = own.currentItem().orElseThrow();

    FakeFeedNetwork net = new FakeFeedNetwork();
    SyncEngine sync = new SyncEngine(data, own, net,
        // paced far above the rate of these re-puts: this test is about republishing, not pacing
        new SyncEngine.Config(Duration.ofHours(1), REPUBLISH, Duration.ofMinutes(1), Duration.ofMillis(100),
            FeedQuota.DEFAULT, 100));
    try {
      sync.start();
      Thread.sleep(REPUBLISH.toMillis() * 6);
    } finally {
      sync.close();
    }
    for (MutableItem expected : List.of(ownItem, alicesItem, bobsItem)) {
      List<MutableItem> puts = net.announced.stream().filter(i -> i.feed().equals(expected.feed())).toList();
      assertTrue(puts.size() >= 3, expected.feed().shortName() + " is re-put every interval, not once: " + puts.size());
      for (MutableItem put : puts) {
        assertArrayEquals(expected.feed().publicKey(), put.feed().publicKey(), "k");
        assertArrayEquals(expected.feed().salt(), put.feed().salt(), "salt");
        assertEquals(expected.seq(), put.seq(), "seq");
        assertArrayEquals(expected.value(), put.value(), "v");
        assertArrayEquals(expected.signature(), put.signature(), "sig");
      }
    }
  }

  /** Stores a one-post version of {@code feed}, signed by {@code author}, as a follower holds it. */
  private static MutableItem hold(DataDir data, Identity author, FeedId feed) throws Exception {
    FeedLog log = FeedLog.empty(feed);
    log.appendAll(author, List.of(new Content.Post("a post of " + feed.shortName())), List.of(1_700_000_000_000L));
    FeedStore store = data.feed(feed);
    store.writeVersion(1, log);
    MutableItem item = MutableItem.signInfohash(author, feed, 1, FeedTorrent.of(log).infohash());
    store.writeItem(item);
    return item;
  }
}
