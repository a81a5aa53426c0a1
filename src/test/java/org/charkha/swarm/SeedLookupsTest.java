package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import bt.metainfo.TorrentId;
import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SeedLookupsTest {
  private long nanos;
  private final Ticker clock = new Ticker() {
    @Override
    public long read() {
      return nanos;
    }
  };
  private final SeedLookups lookups = new SeedLookups(Duration.ofMinutes(15), 2, 1, clock);

  private static TorrentId id(int n) {
    byte[] b = new byte[20];
    b[0] = (byte) n;
    b[1] = (byte) (n >> 8);
    return TorrentId.fromBytes(b);
  }

  @Test
  void aSeededTorrentIsLookedUpOncePerRefresh() {
    SeedLookups.Lookup first = lookups.tryStart(id(1));
    assertNotNull(first);
    first.finish(false);
    nanos += TimeUnit.MINUTES.toNanos(14);
    assertNull(lookups.tryStart(id(1)), "looked up 14 minutes ago");
    nanos += TimeUnit.MINUTES.toNanos(2);
    assertNotNull(lookups.tryStart(id(1)), "16 minutes later it is due again");
  }

  @Test
  void firstAnnouncesHaveTheirOwnLaneBesideRefreshes() {
    SeedLookups.Lookup a = lookups.tryStart(id(1));
    SeedLookups.Lookup b = lookups.tryStart(id(2));
    assertNull(lookups.tryStart(id(3)), "both first-announce slots are taken");
    a.finish(false);
    b.finish(false);
    nanos += TimeUnit.MINUTES.toNanos(16);
    SeedLookups.Lookup refresh = lookups.tryStart(id(1));
    assertNotNull(refresh);
    assertNull(lookups.tryStart(id(2)), "the one refresh slot is taken");
    assertNotNull(lookups.tryStart(id(3)), "a torrent never announced still goes at once");
    refresh.finish(false);
    assertNotNull(lookups.tryStart(id(2)));
  }

  @Test
  void aTorrentRefusedForLackOfRoomIsNotMarkedAsLookedUp() {
    lookups.tryStart(id(1));
    SeedLookups.Lookup b = lookups.tryStart(id(2));
    assertNull(lookups.tryStart(id(3)));
    b.finish(false);
    assertNotNull(lookups.tryStart(id(3)), "refused before, so not counted as looked up");
  }

  @Test
  void aLookupThatReachedNoNodeLeavesTheTorrentDueAtOnce() {
    lookups.tryStart(id(1)).finish(true); // the routing table was still empty
    SeedLookups.Lookup other = lookups.tryStart(id(9));
    other.finish(false);
    nanos += TimeUnit.MINUTES.toNanos(16);
    assertNotNull(lookups.tryStart(id(9)), "a refresh takes the only refresh slot");
    assertNotNull(lookups.tryStart(id(1)), "an announce that reached nobody is still a first announce, due at once");
  }

  @Test
  void finishingTwiceFreesOneSlotOnly() {
    SeedLookups.Lookup a = lookups.tryStart(id(1));
    lookups.tryStart(id(2));
    a.finish(false);
    a.finish(false);
    assertNotNull(lookups.tryStart(id(3)));
    assertNull(lookups.tryStart(id(4)), "a second finish of the same lookup made no extra room");
  }
}
