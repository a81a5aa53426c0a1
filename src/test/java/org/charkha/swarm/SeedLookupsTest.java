package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  private final SeedLookups lookups = new SeedLookups(Duration.ofMinutes(15), 2, clock);

  private static TorrentId id(int n) {
    byte[] b = new byte[20];
    b[0] = (byte) n;
    return TorrentId.fromBytes(b);
  }

  @Test
  void aSeededTorrentIsLookedUpOncePerRefresh() {
    assertTrue(lookups.tryStart(id(1)));
    lookups.finished();
    nanos += TimeUnit.MINUTES.toNanos(14);
    assertFalse(lookups.tryStart(id(1)), "looked up 14 minutes ago");
    nanos += TimeUnit.MINUTES.toNanos(2);
    assertTrue(lookups.tryStart(id(1)), "16 minutes later it is due again");
  }

  @Test
  void onlySoManyRunAtOnceAndAFinishedOneMakesRoom() {
    assertTrue(lookups.tryStart(id(1)));
    assertTrue(lookups.tryStart(id(2)));
    assertFalse(lookups.tryStart(id(3)), "two are running");
    lookups.finished();
    assertTrue(lookups.tryStart(id(3)));
    assertFalse(lookups.tryStart(id(2)), "still within its refresh period");
  }

  @Test
  void aTorrentRefusedForLackOfRoomIsNotMarkedAsLookedUp() {
    lookups.tryStart(id(1));
    lookups.tryStart(id(2));
    assertFalse(lookups.tryStart(id(3)));
    lookups.finished();
    assertTrue(lookups.tryStart(id(3)), "refused before, so not counted as looked up");
  }
}
