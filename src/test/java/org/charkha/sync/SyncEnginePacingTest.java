package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
 * A node following many feeds must not look them all up in the DHT at the same moment: at start
 * their polls are spread and paced ({@link DhtPacer}), while a feed followed just now is looked up
 * at once.
 */
class SyncEnginePacingTest {
  private static final int FEEDS = 40;
  private static final double RATE = 10;

  @TempDir Path tmp;

  @Test
  void pollsOfHeldFeedsArePacedAtStartAndANewFollowIsLookedUpAtOnce() throws Exception {
    DataDir data = DataDir.open(tmp.resolve("follower"));
    data.initialize();
    List<Content> follows = new ArrayList<>();
    for (int i = 0; i < FEEDS; i++) {
      Identity author = Identity.generate();
      FeedLog log = FeedLog.empty(author.feed());
      log.appendAll(author, List.of(new Content.Post("post of feed " + i)), List.of(1_700_000_000_000L));
      FeedStore store = data.feed(author.feed());
      store.writeVersion(1, log);
      store.writeItem(MutableItem.signInfohash(author, author.feed(), 1, FeedTorrent.of(log).infohash()));
      follows.add(new Content.Follow(author.feed()));
    }
    OwnFeed own = OwnFeed.open(data);
    own.appendAll(follows, java.util.Collections.nCopies(FEEDS, 1_700_000_000_000L));

    CountingNetwork net = new CountingNetwork();
    SyncEngine.Config config = new SyncEngine.Config(Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofMinutes(1),
        Duration.ofSeconds(1), FeedQuota.DEFAULT, RATE);
    SyncEngine sync = new SyncEngine(data, own, net, config);
    try {
      long t0 = System.nanoTime();
      sync.start();
      Thread.sleep(1000);
      int inFirstSecond = net.resolved.size();
      assertTrue(inFirstSecond <= RATE + 2,
          "at most about " + RATE + " lookups in the first second, not all " + FEEDS + " at once: " + inFirstSecond);

      FeedId stranger = Identity.generate().feed();
      long followedAt = System.nanoTime();
      sync.follow(stranger);
      waitUntil(() -> net.resolved.contains(stranger), Duration.ofSeconds(2));
      long waitedMillis = (System.nanoTime() - followedAt) / 1_000_000;
      assertTrue(waitedMillis < 500, "a feed followed now is looked up at once, not behind the queue: " + waitedMillis + " ms");

      waitUntil(() -> Set.copyOf(net.resolved).size() == FEEDS + 1, Duration.ofSeconds(15));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double rate = net.resolved.size() / seconds;
      assertTrue(rate <= RATE * 1.5, "lookups stay near the pace: " + rate + "/s");
      assertEquals(FEEDS + 1, Set.copyOf(net.resolved).size(), "every feed was polled");
    } finally {
      sync.close();
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout);
      }
      Thread.sleep(10);
    }
  }

  /** Records DHT gets; nothing is ever found or downloaded. */
  private static final class CountingNetwork implements FeedNetwork {
    final List<FeedId> resolved = new CopyOnWriteArrayList<>();
    final Set<FeedId> announced = ConcurrentHashMap.newKeySet();

    @Override
    public CompletableFuture<Optional<MutableItem>> resolve(FeedId feed, long seqAbove) {
      resolved.add(feed);
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletableFuture<Integer> announce(MutableItem item) {
      announced.add(item.feed());
      return CompletableFuture.completedFuture(1);
    }

    @Override
    public Transfer download(FeedId feed, byte[] infohash, Path root, Collection<InetSocketAddress> knownPeers,
        Consumer<FeedTorrent> beforeData) {
      throw new AssertionError("nothing is offered, so nothing is downloaded");
    }

    @Override
    public CompletableFuture<Void> seed(FeedTorrent torrent, Path root) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stop(byte[] infohash) {}
  }
}
