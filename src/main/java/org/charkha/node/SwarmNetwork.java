package org.charkha.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.swarm.PushAgent;
import org.charkha.swarm.SwarmConfig;
import org.charkha.swarm.SwarmEngine;
import org.charkha.swarm.TorrentHandle;
import org.charkha.sync.FeedNetwork;
import org.charkha.torrent.FeedTorrent;

/** {@link FeedNetwork} over one {@link SwarmEngine}: its mldht for BEP 44, its bt runtime for torrents. */
public final class SwarmNetwork implements FeedNetwork, AutoCloseable {
  private final SwarmEngine engine;
  private final PushAgent push;
  private final Duration downloadTimeout;

  private SwarmNetwork(SwarmEngine engine, PushAgent push, Duration downloadTimeout) {
    this.engine = engine;
    this.push = push;
    this.downloadTimeout = downloadTimeout;
  }

  public static SwarmNetwork start(SwarmConfig config, boolean pushEnabled, Duration downloadTimeout) {
    PushAgent push = new PushAgent();
    push.setEnabled(pushEnabled);
    return new SwarmNetwork(SwarmEngine.start(config, push.module()), push, downloadTimeout);
  }

  public SwarmEngine engine() {
    return engine;
  }

  public PushAgent push() {
    return push;
  }

  @Override
  public CompletableFuture<Optional<MutableItem>> resolve(FeedId feed, long seqAbove) {
    return engine.bep44().map(b -> b.get(feed, seqAbove))
        .orElse(CompletableFuture.completedFuture(Optional.empty()));
  }

  @Override
  public CompletableFuture<Integer> announce(MutableItem item) {
    return engine.bep44().map(b -> b.put(item)).orElse(CompletableFuture.completedFuture(0));
  }

  @Override
  public Transfer download(FeedId feed, byte[] infohash, Path segments, Collection<InetSocketAddress> knownPeers,
      Consumer<FeedTorrent> beforeData) {
    push.mapTorrent(infohash, feed);
    TorrentHandle h = engine.fetch(feed, infohash, segments, knownPeers, downloadTimeout, beforeData);
    return new Transfer() {
      @Override
      public CompletableFuture<FeedTorrent> done() {
        return h.completion();
      }

      @Override
      public OptionalDouble progress() {
        TorrentHandle.Progress p = h.progress();
        // piecesTotal is -1 until the metadata arrives: 0 / -1 printed as "-0%"
        return p.piecesTotal() <= 0 ? OptionalDouble.empty() : OptionalDouble.of((double) p.piecesDone() / p.piecesTotal());
      }

      @Override
      public void cancel() {
        h.stop();
      }
    };
  }

  @Override
  public CompletableFuture<Void> seed(FeedTorrent torrent, Path segments) {
    push.mapTorrent(torrent.infohash(), torrent.feed());
    // bt starts serving a torrent (and accepting connections for it) just before it completes
    return engine.seed(torrent, segments).completion().thenApply(t -> null);
  }

  @Override
  public CompletableFuture<Void> seed(FeedTorrent torrent, Path segments, Collection<InetSocketAddress> peers) {
    CompletableFuture<Void> servable = seed(torrent, segments);
    engine.addPeers(torrent.infohash(), peers);
    return servable;
  }

  @Override
  public void stop(byte[] infohash) {
    engine.stop(infohash);
    push.unmapTorrent(infohash);
  }

  public int connectedPeers() {
    return engine.connectedPeers();
  }

  public int dhtNodes() {
    return engine.routingTableSize();
  }

  @Override
  public void close() {
    engine.close();
  }
}
