package org.charkha.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedLog;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user posts while the machine dies: a child JVM runs the real {@code charkha post} in a loop and
 * is killed with SIGKILL at a random moment, again and again. After every kill the data directory
 * must open and verify, hold every post the CLI acknowledged, name the stored version in its signed
 * item without ever going back in seq, and take the next post.
 */
class CrashSafetyTest {
  private static final int KILLS = Integer.getInteger("charkha.crash.kills", 100);
  private static final long SEED = Long.getLong("charkha.crash.seed", System.nanoTime());

  @TempDir
  Path home;

  @Test
  void acknowledgedPostsSurviveSigkillAtAnyMoment() throws Exception {
    DataDir data = DataDir.open(home);
    data.initialize();
    Random random = new Random(SEED);
    Map<Long, String> acknowledged = new LinkedHashMap<>();
    long highestSeq = 0;
    int killedMidRun = 0;
    int strayStates = 0;
    long started = System.nanoTime();
    for (int round = 0; round < KILLS; round++) {
      String prefix = "round " + round;
      Child child = Child.start(PostLoop.class, home.toString(), prefix);
      child.awaitLine("READY"::equals, 20_000, "child never became ready");
      Thread.sleep(20 + random.nextInt(281));
      if (child.isAlive()) {
        killedMidRun++;
      }
      child.kill();
      List<String> lines = child.completeLines();
      int n = 0;
      for (String line : lines) {
        if (line.startsWith("FAILED") || line.startsWith("charkha:")) {
          fail("round " + round + " (seed " + SEED + "): a post failed after a restart: " + lines);
        }
        if (line.startsWith("Posted ")) {
          // The k-th acknowledgement of a run is the post "<prefix> k": posts run one after another.
          EntryRef ref = EntryRef.parse(line.substring("Posted ".length()).trim());
          acknowledged.put(ref.seq(), prefix + " " + n++);
        }
      }

      String where = "after kill " + round + " (seed " + SEED + ")";
      OwnFeed own = OwnFeed.open(data);
      FeedLog log = own.log(); // opens and verifies every segment
      for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
        assertTrue(ack.getKey() < log.size(), where + ": acknowledged entry " + ack.getKey() + " is gone");
        Content c = log.entry(ack.getKey()).content();
        assertEquals(new Content.Post(ack.getValue()), c, where + ": entry " + ack.getKey());
      }
      if (!log.isEmpty()) {
        MutableItem item = own.currentItem().orElseThrow();
        assertArrayEquals(FeedTorrent.of(log).infohash(), item.infohash(), where + ": item names another version");
        assertEquals(own.store().currentVersion().getAsLong(), item.seq(), where + ": item seq is not the stored version");
        assertTrue(item.seq() >= highestSeq, where + ": seq went back from " + highestSeq + " to " + item.seq());
        highestSeq = item.seq();
      }
      strayStates += strayState(own) ? 1 : 0;
    }
    // Whatever a kill left behind must not block the next post, and the next post tidies it away.
    OwnFeed own = OwnFeed.open(data);
    OwnFeed.Published last = own.append(new Content.Post("after the last kill"));
    assertTrue(last.item().seq() > highestSeq);
    assertFalse(strayState(own), "a post after the kills leaves no staging, temp link or temp item");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    System.out.printf("CrashSafetyTest: %d kills (%d mid-run) in %d s, %d acknowledged posts all present, "
        + "final seq %d, %d kills left stray staging state (cleaned by the next post), seed %d%n",
        KILLS, killedMidRun, seconds, acknowledged.size(), last.item().seq(), strayStates, SEED);
    assertTrue(acknowledged.size() > KILLS / 2, "the child should have acknowledged posts: " + acknowledged.size());
  }

  /** Staging directories, a temp symlink or a temp item a kill left behind (harmless, but counted). */
  private static boolean strayState(OwnFeed own) throws IOException {
    if (!Files.isDirectory(own.store().dir())) {
      return false;
    }
    try (var entries = Files.list(own.store().dir())) {
      return entries.map(p -> p.getFileName().toString())
          .anyMatch(n -> n.startsWith("incoming-") || n.endsWith(".tmp") || (n.matches("v\\d+")
              && !n.equals("v" + currentVersionOrMinusOne(own))));
    }
  }

  private static long currentVersionOrMinusOne(OwnFeed own) {
    try {
      return own.store().currentVersion().orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }
}
