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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;

/** Downloads complete at once for served torrents; others never progress until cancelled. */
final class FakeFeedNetwork implements FeedNetwork {
  /** What a DHT lookup finds (if newer than asked for); nothing by default. */
  volatile Optional<MutableItem> resolves = Optional.empty();
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
    return CompletableFuture.completedFuture(resolves.filter(i -> i.feed().equals(feed) && i.seq() > seqAbove));
  }

  @Override
  public CompletableFuture<Integer> announce(MutableItem item) {
    return CompletableFuture.completedFuture(0);
  }

  @Override
  public Transfer download(FeedId feed, byte[] infohash, Path root, Collection<InetSocketAddress> knownPeers,
      Consumer<FeedTorrent> beforeData) {
    String ih = org.charkha.feed.Hex.encode(infohash);
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
      public double progress() {
        return done.isDone() ? 1 : 0;
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
