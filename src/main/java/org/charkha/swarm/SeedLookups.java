package org.charkha.swarm;

import bt.metainfo.TorrentId;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Paces the DHT lookups (get_peers, then announce_peer) of torrents this node already holds
 * whole. bt asks for peers of every active torrent every few seconds; for a download that is
 * right, but a node that seeds a thousand followed feeds would run a thousand lookups every few
 * seconds, far beyond what DHT nodes accept (mldht and libtorrent drop a peer's queries above a
 * few per second) and for nothing: followers find a seed through its announce, which DHT nodes
 * keep for 30 minutes or more. So a seeded torrent is looked up (and announced) once per
 * {@code refresh}, and at most {@code concurrent} such lookups run at a time, which spreads the
 * first announces of many torrents at start-up instead of sending them in one burst.
 */
final class SeedLookups {
  private final Cache<TorrentId, Boolean> recent;
  private final Semaphore running;

  SeedLookups(Duration refresh, int concurrent, Ticker ticker) {
    this.recent = CacheBuilder.newBuilder().expireAfterWrite(refresh).ticker(ticker).build();
    this.running = new Semaphore(concurrent);
  }

  /**
   * True if a lookup of seeded torrent {@code id} may start now; the caller must then call
   * {@link #finished} when it ends. False if it ran within the refresh period or too many run.
   */
  boolean tryStart(TorrentId id) {
    if (recent.getIfPresent(id) != null || !running.tryAcquire()) {
      return false;
    }
    recent.put(id, Boolean.TRUE);
    return true;
  }

  void finished() {
    running.release();
  }
}
