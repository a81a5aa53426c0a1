package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.charkha.feed.Content;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The author posts and closes the laptop before anyone fetched the new version; the follower's
 * downloads fail until the author comes back. It must then catch up, not stay behind until the
 * next post.
 */
class SyncEngineCatchUpTest {
  private static final Duration POLL = Duration.ofMillis(200);

  @TempDir Path tmp;

  @Test
  void followerFetchesAVersionOnceItIsServedAfterEveryRetryFailed() throws Exception {
    OwnFeed author = own("author");
    OwnFeed.Published v1 = author.append(new Content.Post("one"));
    FakeFeedNetwork net = new FakeFeedNetwork();
    net.serve(v1.torrent(), author.log());
    net.putInDht(v1.item());
    SyncEngine sync = follower(net);
    try {
      sync.follow(author.feed());
      waitUntil(() -> heldSeq(sync) == 1, "the follower holds seq 1");

      OwnFeed.Published v2 = author.append(new Content.Post("two")); // posted, then the laptop closed
      net.putInDht(v2.item());
      waitUntil(() -> net.downloadsOf(v2.torrent()) >= 5, "the download of seq 2 was tried and retried 4 times");
      assertEquals(1, heldSeq(sync));

      net.serve(v2.torrent(), author.log()); // the author is back
      waitUntil(() -> heldSeq(sync) == 2, "the follower catches up once seq 2 is served");
      assertEquals(2, sync.status().get(0).entries());
    } finally {
      sync.close();
    }
  }

  @Test
  void eachNewVersionGetsItsOwnRetries() throws Exception {
    OwnFeed author = own("author");
    author.append(new Content.Post("one"));
    OwnFeed.Published v2 = author.append(new Content.Post("two"));
    FakeFeedNetwork net = new FakeFeedNetwork(); // the DHT holds nothing: items come by push alone
    SyncEngine sync = follower(net);
    try {
      sync.follow(author.feed());
      sync.offer(v2.item(), java.util.List.of()); // never served: its retries run out
      waitUntil(() -> net.downloadsOf(v2.torrent()) == 5, "seq 2 is tried once and retried 4 times");

      OwnFeed.Published v3 = author.append(new Content.Post("three"));
      sync.offer(v3.item(), java.util.List.of());
      waitUntil(() -> net.downloadsOf(v3.torrent()) >= 2, "seq 3 is retried too, not given up after one try");
    } finally {
      sync.close();
    }
  }

  private SyncEngine follower(FakeFeedNetwork net) throws IOException {
    return new SyncEngine(data("follower"), own("follower"), net,
        new SyncEngine.Config(POLL, Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofMillis(100)));
  }

  private static long heldSeq(SyncEngine sync) {
    return sync.status().isEmpty() ? -1 : sync.status().get(0).heldSeq();
  }

  private DataDir data(String name) throws IOException {
    DataDir data = DataDir.open(tmp.resolve(name));
    if (!data.isInitialized()) {
      data.initialize();
    }
    return data;
  }

  private OwnFeed own(String name) throws IOException {
    return OwnFeed.open(data(name));
  }

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
      Thread.sleep(20);
    }
  }
}
