package org.charkha.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.index.FeedIndex;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower's machine dies while it ingests: a child JVM runs an author and a follower node
 * ({@link IngestLoop}) and is killed with SIGKILL at a random moment, again and again. After every
 * kill the follower's stored copy must open and verify, hold at least every version it reported
 * stored, be exactly a prefix of the author's feed, and be named by its signed item; its index
 * must never be ahead of the stored copy, and on the next start it catches up with it by itself.
 */
class IngestCrashTest {
  private static final int KILLS = Integer.getInteger("charkha.ingest.kills", 100);
  private static final long SEED = Long.getLong("charkha.crash.seed", System.nanoTime());

  @TempDir
  Path tmp;

  @Test
  void theFollowersCopyAndIndexSurviveSigkillDuringIngest() throws Exception {
    DataDir authorData = DataDir.open(tmp.resolve("author"));
    DataDir followerData = DataDir.open(tmp.resolve("follower"));
    FeedId author = authorData.initialize().feed();
    followerData.initialize();
    FeedStore copy = followerData.feed(author);
    Random random = new Random(SEED);
    long reported = -1;
    long heldBefore = 0;
    int killedMidIngest = 0;
    long started = System.nanoTime();
    for (int round = 0; round < KILLS; round++) {
      String where = "after kill " + round + " (seed " + SEED + ")";
      Child child = Child.start(IngestLoop.class, authorData.home().toString(), followerData.home().toString());
      child.awaitLine("READY"::equals, 90_000, where + ": child never became ready");
      List<String> lines = child.completeLines();
      assertTrue(lines.stream().noneMatch(l -> l.startsWith("FAILED") || l.startsWith("NOT-REINDEXED")),
          where + ": the child failed: " + lines);
      assertTrue(lines.contains("REINDEXED " + heldBefore),
          where + ": the restarted follower's index should hold all " + heldBefore + " stored posts: " + lines);
      Thread.sleep(300 + random.nextInt(4700));
      if (child.isAlive()) {
        killedMidIngest++;
      }
      child.kill();
      for (String line : child.completeLines()) {
        assertTrue(!line.startsWith("FAILED"), where + ": the child failed: " + child.completeLines());
        if (line.startsWith("HELD ")) {
          reported = Math.max(reported, Long.parseLong(line.split(" ")[1]));
        }
      }

      FeedLog authors = OwnFeed.open(authorData).log();
      FeedLog held = copy.load().orElse(FeedLog.empty(author)); // opens and verifies every segment
      if (reported >= 0) {
        MutableItem item = copy.readItem().orElseThrow(() -> new AssertionError(where + ": no item"));
        assertTrue(item.seq() >= reported, where + ": reported seq " + reported + " but holds " + item.seq());
        assertArrayEquals(FeedTorrent.of(held).infohash(), item.infohash(), where + ": the item names another version");
      }
      assertTrue(held.size() <= authors.size(), where + ": holds more than the author wrote");
      for (long i = 0; i < held.size(); i++) {
        assertArrayEquals(authors.entry(i).hash(), held.entry(i).hash(), where + ": entry " + i + " is not the author's");
      }
      try (FeedIndex index = FeedIndex.open(followerData.indexFile())) {
        long indexed = IngestLoop.indexedPosts(index, author);
        assertTrue(indexed <= held.size(), where + ": the index has " + indexed + " posts, the store " + held.size());
      }
      System.out.printf("round %d: held %d entries, reported seq %d%n", round, held.size(), reported);
      heldBefore = held.size();
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    System.out.printf("IngestCrashTest: %d kills (%d mid-ingest) in %d s, follower holds %d entries at seq %d, seed %d%n",
        KILLS, killedMidIngest, seconds, heldBefore, reported, SEED);
    assertTrue(reported > KILLS / 4, "the follower should have stored many versions: " + reported);
  }
}
