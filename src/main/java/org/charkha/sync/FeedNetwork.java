package org.charkha.sync;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.torrent.FeedTorrent;

/**
 * What the sync engine needs from the network: BEP 44 records in the DHT and feed torrents in the
 * swarm. The node implements it over one bt runtime and its mldht DHT.
 */
public interface FeedNetwork {
  /** A DHT get of the feed's BEP 44 item, passing {@code seqAbove}; empty if none newer was found. */
  CompletableFuture<Optional<MutableItem>> resolve(FeedId feed, long seqAbove);

  /** A DHT put of a signed item (our own, or a replay of another feed's); completes with the number of nodes that stored it. */
  CompletableFuture<Integer> announce(MutableItem item);

  /**
   * Downloads a feed torrent into the feed's segment files in {@code segments}
   * ({@link org.charkha.store.FeedStore#segmentsDir}), where the pieces it shares with versions
   * already held are found. {@code beforeData} runs once the metadata has arrived and been checked
   * against the feed's torrent layout, before any piece is requested or any file opened.
   */
  Transfer download(FeedId feed, byte[] infohash, Path segments, Collection<InetSocketAddress> knownPeers,
      Consumer<FeedTorrent> beforeData);

  /**
   * Seeds a complete version from the feed's segment files in {@code segments}. The future
   * completes once peers can fetch it: until the files are checked, connections asking for it
   * are refused.
   */
  CompletableFuture<Void> seed(FeedTorrent torrent, Path segments);

  /**
   * Seeds and also connects to {@code peers} (who hold the feed too): a connection between
   * holders of a feed is where push messages for its next version travel.
   */
  default CompletableFuture<Void> seed(FeedTorrent torrent, Path segments, Collection<InetSocketAddress> peers) {
    return seed(torrent, segments);
  }

  void stop(byte[] infohash);

  /** A running download. */
  interface Transfer {
    /** Completes when every piece has been downloaded and has passed its hash check. */
    CompletableFuture<FeedTorrent> done();

    /** 0..1 of the pieces held, for status; empty until the metadata says how many there are. */
    OptionalDouble progress();

    void cancel();
  }
}
