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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Hex;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;

/**
 * A DHT and a swarm in memory. {@code resolve} answers like a BEP 44 get: the stored item only when
 * its seq is above the one asked about. A download completes at once for a served torrent, writing
 * its segment pieces under the store's names as bt would. For any other torrent it fails at once (no
 * peer), as a download that found nobody does after its timeout, or, in a network made by
 * {@link #hangingUnserved()}, never progresses until cancelled.
 */
final class FakeFeedNetwork implements FeedNetwork {
  private final boolean hangUnserved;
  final Map<FeedId, MutableItem> dht = new ConcurrentHashMap<>();
  private final Map<String, List<byte[]>> served = new ConcurrentHashMap<>();
  private final Map<String, FeedTorrent> torrents = new ConcurrentHashMap<>();
  /** Infohashes (hex) of every download started, in order. */
  final List<String> downloads = new CopyOnWriteArrayList<>();
  /** Infohashes (hex) of the downloads cancelled. */
  final List<String> cancelled = new CopyOnWriteArrayList<>();
  /** Infohashes (hex) of the torrents seeded. */
  final List<String> seeded = new CopyOnWriteArrayList<>();
  /** The seqAbove of every resolve. */
  final List<Long> resolvedAbove = new CopyOnWriteArrayList<>();
  final List<MutableItem> announced = new CopyOnWriteArrayList<>();

  FakeFeedNetwork() {
    this(false);
  }

  private FakeFeedNetwork(boolean hangUnserved) {
    this.hangUnserved = hangUnserved;
  }

  /** A network where the download of a torrent nobody serves waits, like one whose peers are gone. */
  static FakeFeedNetwork hangingUnserved() {
    return new FakeFeedNetwork(true);
  }

  void putInDht(MutableItem item) {
    dht.put(item.feed(), item);
  }

  void serve(FeedTorrent t, FeedLog log) {
    serve(t, log.pieces());
  }

  /** Serves {@code t} whose segment pieces, as their files hold them, are {@code segmentPieces}. */
  void serve(FeedTorrent t, List<byte[]> segmentPieces) {
    torrents.put(t.infohashHex(), t);
    served.put(t.infohashHex(), List.copyOf(segmentPieces));
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
    List<byte[]> pieces = served.get(ih);
    if (pieces != null) {
      FeedTorrent t = torrents.get(ih);
      beforeData.accept(t);
      try {
        Files.createDirectories(segments);
        for (int i = 0; i < pieces.size(); i++) {
          Files.write(segments.resolve(FeedStore.segmentFileName(i, t.pieceHash(i))), pieces.get(i));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      done.complete(t);
    } else if (!hangUnserved) {
      done.completeExceptionally(new TimeoutException("no peer has " + ih));
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
        cancelled.add(ih);
        done.completeExceptionally(new CancellationException("torrent " + ih + " stopped"));
      }
    };
  }

  @Override
  public CompletableFuture<Void> seed(FeedTorrent torrent, Path segments) {
    seeded.add(torrent.infohashHex());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void stop(byte[] infohash) {}
}
