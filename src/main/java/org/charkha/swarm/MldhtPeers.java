package org.charkha.swarm;

import bt.data.DataDescriptor;
import bt.dht.DHTService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;
import com.google.common.base.Ticker;
import com.google.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.Database;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.tasks.PeerLookupTask;
import org.charkha.dht.DhtNode;

/**
 * bt's {@link DHTService} over our own {@link DhtNode}: BEP 5 get_peers for a torrent, then
 * announce_peer to the nodes that gave tokens while the torrent is active. Unlike bt's
 * MldhtService it never blocks waiting for a socket: without one there are simply no peers.
 * Peers that announced to this very node come first: a lookup never asks its own node, and in a
 * small swarm our node is often one of the few closest to the infohash. A torrent held whole is
 * looked up (and announced) only every {@link #SEED_REFRESH} ({@link SeedLookups}); in between its
 * peers come from its announce and from those already known, without waiting.
 */
final class MldhtPeers implements DHTService {
  /**
   * How long bt's collector waits for one lookup's peers. bt blocks its one peer-collector thread
   * (for every torrent) until the first lookup of a torrent ends, up to 10 s, and a lookup waits out
   * every request that got no answer (mldht: 10 s; a node that left, a dropped packet). Peers that
   * arrive later are kept in {@link #late} and handed out by the torrent's next lookup.
   */
  private static final long STREAM_LIMIT_MILLIS = 3000;
  /** Seeded torrents: re-announced well within the 30 minutes DHT nodes keep an announce. */
  private static final Duration SEED_REFRESH = Duration.ofMinutes(15);
  private static final int FIRST_ANNOUNCES_AT_ONCE = 4;
  private static final int REFRESHES_AT_ONCE = 2;
  private static final int LATE_MAX_PER_TORRENT = 50;
  private static final Object END = new Object();

  private final ConcurrentMap<TorrentId, Set<Peer>> late = new ConcurrentHashMap<>();

  private final DhtNode node;
  private final TorrentRegistry torrents;
  private final int btPort;

  private final SeedLookups seedLookups = new SeedLookups(SEED_REFRESH, FIRST_ANNOUNCES_AT_ONCE, REFRESHES_AT_ONCE,
      Ticker.systemTicker());

  @Inject
  MldhtPeers(DhtNode node, TorrentRegistry torrents, Config config) {
    this.node = node;
    this.torrents = torrents;
    this.btPort = config.getAcceptorPort();
  }

  @Override
  public Stream<Peer> getPeers(Torrent torrent) {
    return getPeers(torrent.getTorrentId());
  }

  @Override
  public Stream<Peer> getPeers(TorrentId torrentId) {
    DHT dht = node.dht();
    SeedLookups.Lookup seed = null;
    if (isComplete(torrentId)) {
      seed = seedLookups.tryStart(torrentId);
      if (seed == null) {
        return known(dht, torrentId).stream(); // looked up lately: no new lookup, and no waiting
      }
    }
    PeerLookupTask lookup = dht.isRunning() ? dht.createPeerLookup(torrentId.getBytes()) : null;
    if (lookup == null) {
      if (seed != null) {
        seed.finish(true);
      }
      return Stream.empty(); // no active socket (yet)
    }
    SeedLookups.Lookup seedLookup = seed;
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>(known(dht, torrentId));
    AtomicBoolean streamEnded = new AtomicBoolean();
    lookup.setResultHandler((k, p) -> {
      Peer peer = InetPeer.build(p.getInetAddress(), p.getPort());
      if (!streamEnded.get()) {
        queue.add(peer);
      } else {
        Set<Peer> set = late.computeIfAbsent(torrentId, id -> ConcurrentHashMap.newKeySet());
        if (set.size() < LATE_MAX_PER_TORRENT) {
          set.add(peer);
        }
      }
    });
    lookup.addListener(t -> {
      queue.add(END);
      if (seedLookup != null) {
        seedLookup.finish(lookup.getRecvResponses() == 0);
      }
      if (torrents.isSupportedAndActive(torrentId)) {
        dht.announce(lookup, isComplete(torrentId), btPort);
      }
    });
    dht.getTaskManager().addTask(lookup);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STREAM_LIMIT_MILLIS);
    Spliterator<Peer> results = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.NONNULL) {
      @Override
      public boolean tryAdvance(Consumer<? super Peer> action) {
        try {
          Object next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (next == null || next == END) {
            streamEnded.set(true);
            queue.forEach(q -> { // arrived between the last poll and the flag
              if (q instanceof Peer peer) {
                late.computeIfAbsent(torrentId, id -> ConcurrentHashMap.newKeySet()).add(peer);
              }
            });
            return false;
          }
          action.accept((Peer) next);
          return true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    };
    return StreamSupport.stream(results, false);
  }

  /**
   * Peers known without a lookup: those that announced to this very node (BEP 5 get_peers goes to
   * other nodes only, so these would otherwise never be seen) and late answers of earlier lookups.
   */
  private List<Peer> known(DHT dht, TorrentId torrentId) {
    List<Peer> known = new ArrayList<>();
    Database.PeersSeeds local = dht.getDatabase().getData().get(new Key(torrentId.getBytes()));
    if (local != null) {
      Stream.concat(local.seeds().stream(), local.peers().stream())
          .forEach(p -> known.add(InetPeer.build(p.getInetAddress(), p.getPort())));
    }
    Set<Peer> earlier = late.remove(torrentId);
    if (earlier != null) {
      known.addAll(earlier);
    }
    return known;
  }

  private boolean isComplete(TorrentId torrentId) {
    return torrents.getDescriptor(torrentId)
        .map(d -> d.getDataDescriptor())
        .map(DataDescriptor::getBitfield)
        .map(b -> b.getPiecesIncomplete() == 0)
        .orElse(false);
  }

  @Override
  public void addNode(Peer peer) {
    if (!peer.isPortUnknown()) {
      node.addNode(new java.net.InetSocketAddress(peer.getInetAddress(), peer.getPort()));
    }
  }
}
