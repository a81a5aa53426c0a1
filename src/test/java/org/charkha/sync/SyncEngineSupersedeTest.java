package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower fetching an old version that nobody serves any more (the author restarted and seeds only
 * its current version) must move on to the newer version as soon as it is known, not wait for the
 * download timeout. Seen in test-swarm's ChurnSwarmIT.
 */
class SyncEngineSupersedeTest {
  @TempDir Path tmp;

  @Test
  void newerItemReplacesAFetchThatHasNoPieceYet() throws Exception {
    OwnFeed author = own("author");
    OwnFeed.Published v1 = author.append(new Content.Post("one"));
    OwnFeed.Published v2 = author.append(new Content.Post("two"));
    FeedLog log2 = author.log();

    FakeNetwork net = new FakeNetwork();
    net.serve(v2.torrent(), log2); // only the newest version can be downloaded
    DataDir followerData = DataDir.open(tmp.resolve("follower"));
    followerData.initialize();
    SyncEngine sync = new SyncEngine(followerData, OwnFeed.open(followerData), net,
        new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofSeconds(1)));
    try {
      sync.follow(author.feed());
      sync.offer(v1.item(), List.of());
      assertEquals(1, net.started.size(), "the fetch of seq 1 started");

      sync.offer(v2.item(), List.of());

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (sync.status().get(0).heldSeq() != 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      FeedStatus s = sync.status().get(0);
      assertEquals(2, s.heldSeq(), "holds seq 2 long before the 10-minute download timeout: " + s);
      assertEquals(2, s.entries());
      assertTrue(net.cancelled.contains(hex(v1.torrent().infohash())), "the stuck fetch of seq 1 was cancelled");
    } finally {
      sync.close();
    }
  }

  private OwnFeed own(String name) throws IOException {
    DataDir data = DataDir.open(tmp.resolve(name));
    data.initialize();
    return OwnFeed.open(data);
  }

  private static String hex(byte[] b) {
    return org.charkha.feed.Hex.encode(b);
  }

  /** Downloads complete at once for served torrents; others never progress until cancelled. */
  private static final class FakeNetwork implements FeedNetwork {
    final Map<String, FeedLog> served = new ConcurrentHashMap<>();
    final Map<String, FeedTorrent> torrents = new ConcurrentHashMap<>();
    final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> cancelled = new java.util.concurrent.CopyOnWriteArrayList<>();

    void serve(FeedTorrent t, FeedLog log) {
      served.put(t.infohashHex(), log);
      torrents.put(t.infohashHex(), t);
    }

    @Override
    public CompletableFuture<Optional<MutableItem>> resolve(FeedId feed, long seqAbove) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletableFuture<Integer> announce(MutableItem item) {
      return CompletableFuture.completedFuture(0);
    }

    @Override
    public Transfer download(FeedId feed, byte[] infohash, Path root, Collection<InetSocketAddress> knownPeers,
        Consumer<FeedTorrent> beforeData) {
      String ih = hex(infohash);
      started.add(ih);
      CompletableFuture<FeedTorrent> done = new CompletableFuture<>();
      FeedLog log = served.get(ih);
      if (log != null) {
        FeedTorrent t = torrents.get(ih);
        beforeData.accept(t);
        try {
          Files.createDirectories(root);
          List<byte[]> pieces = log.pieces();
          for (int i = 0; i < pieces.size(); i++) {
            Files.write(root.resolve(FeedStore.segmentFileName(i, t.pieceHash(i))), pieces.get(i));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        done.complete(t);
      }
      return new Transfer() {
        @Override
        public CompletableFuture<FeedTorrent> done() {
          return done;
        }

        @Override
        public java.util.OptionalDouble progress() {
          return java.util.OptionalDouble.of(done.isDone() ? 1 : 0);
        }

        @Override
        public void cancel() {
          cancelled.add(ih);
          done.completeExceptionally(new CancellationException("torrent " + ih + " stopped"));
        }
      };
    }

    @Override
    public CompletableFuture<Void> seed(FeedTorrent torrent, Path root) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stop(byte[] infohash) {}
  }

}
