package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.InetPeer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdleConnectionTrimmerTest {
  private static final long NOW = 10_000_000L;
  private static final long MINUTE = 60_000L;

  private final Map<TorrentId, List<FakeConnection>> pool = new LinkedHashMap<>();
  private final Set<TorrentId> downloading = new HashSet<>();
  private final IdleConnectionTrimmer trimmer = new IdleConnectionTrimmer(
      () -> (int) pool.values().stream().flatMap(List::stream).filter(c -> !c.closed).count(),
      pool::keySet, id -> !downloading.contains(id), (id, visit) -> pool.get(id).forEach(visit), 10);

  @Test
  void aPoolWithRoomIsLeftAlone() throws Exception {
    for (int i = 0; i < 7; i++) {
      connect(torrent(i), NOW - 30 * MINUTE);
    }
    assertEquals(0, trimmer.trim(NOW));
  }

  @Test
  void aNearlyFullPoolLosesItsQuietestConnectionsOfFeedsHeldWhole() throws Exception {
    List<FakeConnection> held = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      held.add(connect(torrent(i), NOW - (10 - i) * MINUTE)); // torrent 0 quiet longest
    }
    TorrentId fetching = torrent(100);
    downloading.add(fetching);
    FakeConnection download = connect(fetching, NOW - 20 * MINUTE); // a stalled download: not ours to close
    FakeConnection fresh = connect(torrent(7), 0); // no message yet: just connected
    FakeConnection busy = connect(torrent(8), NOW - 1_000);

    assertEquals(3, trimmer.trim(NOW)); // 9 of 10 open: down to 6
    assertTrue(held.get(0).closed && held.get(1).closed && held.get(2).closed);
    assertFalse(held.get(3).closed || download.closed || fresh.closed || busy.closed);
    assertEquals(0, trimmer.trim(NOW));
  }

  @Test
  void connectionsThatMovedInTheLastMinuteStayEvenInAFullPool() throws Exception {
    for (int i = 0; i < 10; i++) {
      connect(torrent(i), NOW - 30_000);
    }
    assertEquals(0, trimmer.trim(NOW));
  }

  private FakeConnection connect(TorrentId torrent, long lastActive) throws Exception {
    int n = pool.values().stream().mapToInt(List::size).sum() + 1;
    ConnectionKey key = new ConnectionKey(
        InetPeer.build(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 1, (byte) n}), 6881), 6881, torrent);
    FakeConnection c = new FakeConnection(key);
    c.lastActive = lastActive;
    pool.computeIfAbsent(torrent, k -> new ArrayList<>()).add(c);
    return c;
  }

  private static TorrentId torrent(int n) {
    byte[] id = new byte[20];
    id[0] = (byte) n;
    return TorrentId.fromBytes(id);
  }
}
