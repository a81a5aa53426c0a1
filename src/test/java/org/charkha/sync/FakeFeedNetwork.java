package org.charkha.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Hex;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;

/**
 * A DHT and a swarm in memory. {@code resolve} answers like a BEP 44 get: the stored item only when
 * its seq is above the one asked about. A download completes at once for a served torrent and fails
 * at once (no peer) for any other, as a download that found nobody does after its timeout.
 */
final class FakeFeedNetwork implements FeedNetwork {
  final Map<FeedId, MutableItem> dht = new ConcurrentHashMap<>();
  final Map<String, FeedLog> served = new ConcurrentHashMap<>();
  final Map<String, FeedTorrent> torrents = new ConcurrentHashMap<>();
  /** Infohashes (hex) of every download started, in order. */
  final List<String> downloads = new CopyOnWriteArrayList<>();
  /** The seqAbove of every resolve. */
  final List<Long> resolvedAbove = new CopyOnWriteArrayList<>();
  final List<MutableItem> announced = new CopyOnWriteArrayList<>();

  void putInDht(MutableItem item) {
    dht.put(item.feed(), item);
  }

  void serve(FeedTorrent t, FeedLog log) {
    torrents.put(t.infohashHex(), t);
    served.put(t.infohashHex(), log);
  }

  long downloadsOf(FeedTorrent t) {
    return downloads.stream().filter(t.infohashHex()::equals).count();
  }

  @Override
  public CompletableFuture<Optional<MutableItem>> resolve(FeedId feed, long seqAbove) {
    resolvedAbove.add(seqAbove);
    MutableItem item = dht.get(feed);
    return CompletableFuture.completedFuture(
        item != null && item.seq() > seqAbove ? Optional.of(item) : Optional.empty());
  }

  @Override
  public CompletableFuture<Integer> announce(MutableItem item) {
    announced.add(item);
    return CompletableFuture.completedFuture(1);
  }

  @Override
  public Transfer download(FeedId feed, byte[] infohash, Path segments, Collection<InetSocketAddress> knownPeers,
      Consumer<FeedTorrent> beforeData) {
    String ih = Hex.encode(infohash);
    downloads.add(ih);
    CompletableFuture<FeedTorrent> done = new CompletableFuture<>();
    FeedLog log = served.get(ih);
    if (log == null) {
      done.completeExceptionally(new java.util.concurrent.TimeoutException("no peer has " + ih));
    } else {
      FeedTorrent t = torrents.get(ih);
      beforeData.accept(t);
      try {
        Files.createDirectories(segments);
        List<byte[]> pieces = log.pieces();
        for (int i = 0; i < pieces.size(); i++) {
          Files.write(segments.resolve(FeedStore.segmentFileName(i, t.pieceHash(i))), pieces.get(i));
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
      public OptionalDouble progress() {
        return OptionalDouble.of(done.isDone() && !done.isCompletedExceptionally() ? 1 : 0);
      }

      @Override
      public void cancel() {
        done.cancel(false);
      }
    };
  }

  @Override
  public CompletableFuture<Void> seed(FeedTorrent torrent, Path segments) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void stop(byte[] infohash) {}
}
