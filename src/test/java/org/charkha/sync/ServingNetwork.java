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
import org.charkha.feed.Hex;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;

/**
 * A network where served torrents download at once: their segment pieces are written as bt
 * writes them, under the store's names. Records the downloads started and the torrents seeded.
 */
final class ServingNetwork implements FeedNetwork {
  private final Map<String, List<byte[]>> pieces = new ConcurrentHashMap<>();
  private final Map<String, FeedTorrent> torrents = new ConcurrentHashMap<>();
  final List<String> started = new CopyOnWriteArrayList<>();
  final List<String> seeded = new CopyOnWriteArrayList<>();

  /** Serves {@code torrent} whose segment pieces, as their files hold them, are {@code segmentPieces}. */
  void serve(FeedTorrent torrent, List<byte[]> segmentPieces) {
    pieces.put(torrent.infohashHex(), segmentPieces);
    torrents.put(torrent.infohashHex(), torrent);
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
    String ih = Hex.encode(infohash);
    started.add(ih);
    FeedTorrent t = torrents.get(ih);
    CompletableFuture<FeedTorrent> done = new CompletableFuture<>();
    beforeData.accept(t);
    try {
      Files.createDirectories(root);
      List<byte[]> served = pieces.get(ih);
      for (int i = 0; i < served.size(); i++) {
        Files.write(root.resolve(FeedStore.segmentFileName(i, t.pieceHash(i))), served.get(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    done.complete(t);
    return new Transfer() {
      @Override
      public CompletableFuture<FeedTorrent> done() {
        return done;
      }

      @Override
      public OptionalDouble progress() {
        return OptionalDouble.of(1);
      }

      @Override
      public void cancel() {}
    };
  }

  @Override
  public CompletableFuture<Void> seed(FeedTorrent torrent, Path root) {
    seeded.add(torrent.infohashHex());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void stop(byte[] infohash) {}
}
