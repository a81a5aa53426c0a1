package org.charkha.swarm;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Peers the application already knows for a torrent (the feed owner's last address, other
 * followers), offered to bt on every peer-discovery round. bt skips peers it is already connected to.
 */
final class KnownPeers implements PeerSourceFactory {
  /** Bounds what one caller can make us dial per torrent. */
  static final int MAX_PER_TORRENT = 64;

  private final ConcurrentMap<TorrentId, Set<InetSocketAddress>> peers = new ConcurrentHashMap<>();

  void add(TorrentId id, Collection<InetSocketAddress> addresses) {
    Set<InetSocketAddress> set = peers.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
    for (InetSocketAddress a : addresses) {
      if (set.size() >= MAX_PER_TORRENT) {
        break;
      }
      if (!a.isUnresolved() && a.getPort() > 0) {
        set.add(a);
      }
    }
  }

  void remove(TorrentId id) {
    peers.remove(id);
  }

  @Override
  public PeerSource getPeerSource(TorrentId id) {
    return new PeerSource() {
      @Override
      public boolean update() {
        return peers.containsKey(id);
      }

      @Override
      public Collection<Peer> getPeers() {
        List<Peer> out = new ArrayList<>(); // bt removes entries while iterating: must be mutable
        for (InetSocketAddress a : peers.getOrDefault(id, Set.of())) {
          out.add(InetPeer.build(a.getAddress(), a.getPort()));
        }
        return out;
      }
    };
  }
}
