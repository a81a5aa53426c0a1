package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody hears of a new own version before peers can fetch it: bt refuses connections for a
 * torrent while it still checks the files, and a refused follower tries again only much later.
 */
class SyncEngineServableTest {
  private static final long CHECK_MILLIS = 300;

  @TempDir Path tmp;

  @Test
  void theNewVersionIsPushedAndAnnouncedOnlyOnceItIsServed() throws Exception {
    DataDir data = DataDir.open(tmp.resolve("author"));
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    SlowSeedingNetwork net = new SlowSeedingNetwork();
    SyncEngine.Config config = new SyncEngine.Config(Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofMinutes(1),
        Duration.ofSeconds(1), FeedQuota.DEFAULT, 10);
    SyncEngine sync = new SyncEngine(data, own, net, config);
    List<Boolean> pushedWhenServed = new CopyOnWriteArrayList<>();
    sync.addItemListener(item -> pushedWhenServed.add(net.served));
    try {
      sync.start();
      own.append(new Content.Post("hello"));
      sync.publishOwn();
      assertEquals(List.of(true), pushedWhenServed, "pushed once, and only once served");
      assertEquals(List.of(true), net.announcedWhenServed, "announced once, and only once served");
    } finally {
      sync.close();
    }
  }

  /** A network whose seeding starts serving {@link #CHECK_MILLIS} after it is asked to. */
  private static final class SlowSeedingNetwork implements FeedNetwork {
    volatile boolean served;
    final List<Boolean> announcedWhenServed = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Optional<MutableItem>> resolve(FeedId feed, long seqAbove) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletableFuture<Integer> announce(MutableItem item) {
      announcedWhenServed.add(served);
      return CompletableFuture.completedFuture(1);
    }

    @Override
    public Transfer download(FeedId feed, byte[] infohash, Path root, Collection<InetSocketAddress> knownPeers,
        Consumer<FeedTorrent> beforeData) {
      throw new AssertionError("nothing is followed");
    }

    @Override
    public CompletableFuture<Void> seed(FeedTorrent torrent, Path root) {
      return CompletableFuture.runAsync(() -> served = true,
          CompletableFuture.delayedExecutor(CHECK_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Override
    public void stop(byte[] infohash) {}
  }
}
