package org.charkha.swarm;

import bt.metainfo.TorrentId;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentRegistry;
import com.google.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps room in the connection pool for new versions. Connections of feeds held whole stay open
 * for up to 30 minutes so that pushes reach their peers, and a node following 1,000 feeds filled
 * bt's pool (500) with them: a new version then found no free connection and its download waited
 * for metadata until it timed out. When the pool is {@link #HIGH} full, the connections of torrents
 * held whole that have been quiet longest are closed, down to {@link #LOW}; those feeds fall back
 * to DHT polls until a peer connects again. Downloads' connections are never closed here.
 */
final class IdleConnectionTrimmer {
  private static final Logger log = LoggerFactory.getLogger(IdleConnectionTrimmer.class);
  static final double HIGH = 0.8;
  static final double LOW = 0.6;
  /** A connection that moved a message this recently is not closed, even when the pool is full. */
  static final long MIN_QUIET_MILLIS = TimeUnit.MINUTES.toMillis(1);

  private final IntSupplier poolSize;
  private final Supplier<Collection<TorrentId>> torrents;
  private final Predicate<TorrentId> heldWhole;
  private final BiConsumer<TorrentId, Consumer<PeerConnection>> connectionsOf;
  private final int maxConnections;

  @Inject
  IdleConnectionTrimmer(IRuntimeLifecycleBinder lifecycle, IPeerConnectionPool pool, TorrentRegistry registry,
      Config config) {
    this(pool::size, registry::getTorrentIds, id -> heldWhole(registry, id), pool::visitConnections,
        config.getMaxPeerConnections());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, config.getAcceptorPort() + ".charkha.trimmer");
      t.setDaemon(true);
      return t;
    });
    lifecycle.onStartup("Start idle connection trimmer", () -> timer.scheduleWithFixedDelay(() -> {
      try {
        trim(System.currentTimeMillis());
      } catch (RuntimeException e) {
        log.warn("trimming idle connections failed", e);
      }
    }, 5, 5, TimeUnit.SECONDS));
    lifecycle.onShutdown("Stop idle connection trimmer", timer::shutdownNow);
  }

  IdleConnectionTrimmer(IntSupplier poolSize, Supplier<Collection<TorrentId>> torrents,
      Predicate<TorrentId> heldWhole, BiConsumer<TorrentId, Consumer<PeerConnection>> connectionsOf,
      int maxConnections) {
    this.poolSize = poolSize;
    this.torrents = torrents;
    this.heldWhole = heldWhole;
    this.connectionsOf = connectionsOf;
    this.maxConnections = maxConnections;
  }

  private static boolean heldWhole(TorrentRegistry registry, TorrentId id) {
    return registry.getDescriptor(id)
        .map(d -> d.getDataDescriptor() != null && d.getDataDescriptor().getBitfield().getPiecesRemaining() == 0)
        .orElse(false);
  }

  /** Returns the number of connections closed. */
  int trim(long nowMillis) {
    int size = poolSize.getAsInt();
    if (size < HIGH * maxConnections) {
      return 0;
    }
    record Quiet(PeerConnection connection, long lastActive) {}
    List<Quiet> quiet = new ArrayList<>();
    for (TorrentId id : torrents.get()) {
      if (heldWhole.test(id)) {
        connectionsOf.accept(id, c -> {
          long last = c.getLastActive(); // 0 until its first message: just connected
          if (!c.isClosed() && last > 0 && nowMillis - last >= MIN_QUIET_MILLIS) {
            quiet.add(new Quiet(c, last));
          }
        });
      }
    }
    quiet.sort(Comparator.comparingLong(Quiet::lastActive));
    int excess = size - (int) (LOW * maxConnections);
    int closed = 0;
    for (Quiet q : quiet) {
      if (closed >= excess) {
        break;
      }
      q.connection().closeQuietly(); // bt's pool drops it within a second and tells the torrent's worker
      closed++;
    }
    if (closed > 0) {
      log.info("connection pool {} of {}: closed {} quiet connections of feeds held whole", size, maxConnections,
          closed);
    }
    return closed;
  }
}
