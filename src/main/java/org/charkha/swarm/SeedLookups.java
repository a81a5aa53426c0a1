package org.charkha.swarm;

import bt.metainfo.TorrentId;
import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Paces the DHT lookups (get_peers, then announce_peer) of torrents this node already holds
 * whole. bt asks for peers of every active torrent every few seconds; for a download that is
 * right, but a node that seeds a thousand followed feeds would run a thousand lookups every few
 * seconds, far beyond what DHT nodes accept (mldht and libtorrent drop a peer's queries above a
 * few per second) and for nothing: followers find a seed through its announce, which DHT nodes
 * keep for 30 minutes or more. So a seeded torrent is looked up (and announced) once per
 * {@code refresh}, with a bounded number of lookups at a time, which also spreads the announces
 * of many torrents at start-up instead of sending them in one burst.
 *
 * <p>A torrent's first announce has a lane of its own: a new version (one's own post, a version
 * just downloaded) must become findable at once, not wait behind a thousand refreshes. A lookup
 * that reached no DHT node (the routing table still empty after a start, a network cut off) does
 * not count: the torrent is due again at once.
 */
final class SeedLookups {
  private static final int REMEMBERED = 65_536;

  private final Cache<TorrentId, Boolean> recent;
  private final Cache<TorrentId, Boolean> announced;
  private final Semaphore first;
  private final Semaphore refreshes;

  /** A lookup once per {@code refresh}; {@code firstAtOnce} first and {@code refreshesAtOnce} later ones at a time. */
  SeedLookups(Duration refresh, int firstAtOnce, int refreshesAtOnce, Ticker ticker) {
    this.recent = CacheBuilder.newBuilder().expireAfterWrite(refresh).ticker(ticker).build();
    this.announced = CacheBuilder.newBuilder().maximumSize(REMEMBERED).build();
    this.first = new Semaphore(firstAtOnce);
    this.refreshes = new Semaphore(refreshesAtOnce);
  }

  /**
   * A lookup of seeded torrent {@code id} that may start now, or null if it ran within the refresh
   * period or too many run. The caller must {@link Lookup#finish} a returned one when it ends.
   */
  Lookup tryStart(TorrentId id) {
    if (recent.getIfPresent(id) != null) {
      return null;
    }
    Semaphore lane = announced.getIfPresent(id) == null ? first : refreshes;
    if (!lane.tryAcquire()) {
      return null;
    }
    boolean wasAnnounced = lane == refreshes;
    recent.put(id, Boolean.TRUE);
    announced.put(id, Boolean.TRUE);
    return new Lookup(id, lane, wasAnnounced);
  }

  /** A running lookup's place in its lane. */
  final class Lookup {
    private final TorrentId id;
    private final Semaphore lane;
    private final boolean wasAnnounced;
    private boolean finished;

    private Lookup(TorrentId id, Semaphore lane, boolean wasAnnounced) {
      this.id = id;
      this.lane = lane;
      this.wasAnnounced = wasAnnounced;
    }

    /** Frees the slot; a lookup that {@code reachedNoNode} leaves the torrent due at once. */
    synchronized void finish(boolean reachedNoNode) {
      if (finished) {
        return;
      }
      finished = true;
      if (reachedNoNode) {
        recent.invalidate(id);
        if (!wasAnnounced) {
          announced.invalidate(id);
        }
      }
      lane.release();
    }
  }
}
