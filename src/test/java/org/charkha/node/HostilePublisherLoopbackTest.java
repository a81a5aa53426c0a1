package org.charkha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.swarm.SwarmConfig;
import org.charkha.swarm.SwarmEngine;
import org.charkha.sync.FeedStatus;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower facing a publisher that holds the author's key and misbehaves (a stolen key, or an
 * author running two devices that forked): every bad version is rejected with its reason, shown in
 * status, and the last good version stays held and served.
 */
class HostilePublisherLoopbackTest {
  @TempDir Path tmp;
  private final List<AutoCloseable> closers = new ArrayList<>();
  private Node author;
  private Node follower;
  private SwarmEngine rogue;
  private InetSocketAddress rogueAddress;
  private Identity key;
  private FeedId feed;
  private final java.util.Map<Node, Integer> ports = new java.util.HashMap<>();

  private SwarmConfig config(int port, Path state) {
    return SwarmConfig.builder(port, state).bindAddress(InetAddress.getLoopbackAddress()).dht(false)
        .publicBootstrap(false).lsd(false).peerDiscoveryInterval(Duration.ofSeconds(1)).build();
  }

  private Node node(String name) throws Exception {
    return node(name, org.charkha.sync.FeedQuota.DEFAULT);
  }

  private Node node(String name, org.charkha.sync.FeedQuota quota) throws Exception {
    LoopbackNode n = LoopbackNode.start(tmp.resolve(name), Duration.ofSeconds(20), Duration.ofSeconds(1), quota);
    closers.add(n.node());
    ports.put(n.node(), n.port());
    return n.node();
  }

  @BeforeEach
  void authorAndFollowerAgreeOnTwoEntries() throws Exception {
    author = node("author");
    follower = node("follower");
    key = author.data().identity();
    feed = key.feed();
    author.own().append(new Content.Post("entry zero"));
    author.own().append(new Content.Post("entry one"));
    author.checkOwnFeed();
    follower.own().append(new Content.Follow(feed));
    follower.checkOwnFeed();
    int authorPort = ports.get(author);
    follower.sync().offer(author.own().currentItem().orElseThrow(),
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), authorPort)));
    await("the follower holds both entries", () -> heldSize() == 2);
    int roguePort = LoopbackNode.freePort();
    rogue = SwarmEngine.start(config(roguePort, tmp.resolve("rogue-swarm")));
    closers.add(rogue);
    rogueAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), roguePort);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closers.size() - 1; i >= 0; i--) {
      closers.get(i).close();
    }
  }

  private long heldSize() {
    try {
      return follower.data().feed(feed).load().map(FeedLog::size).orElse(0L);
    } catch (Exception e) {
      return -1;
    }
  }

  private FeedStatus status() {
    return follower.sync().status().stream().filter(s -> s.feed().equals(feed)).findFirst().orElseThrow();
  }

  /** The rogue signs and seeds {@code log} as version {@code seq} and pushes its item to the follower. */
  private void rogueOffers(FeedLog log, long seq) throws Exception {
    DataDir store = DataDir.open(tmp.resolve("rogue-" + seq));
    FeedStore fs = store.feed(feed);
    fs.writeVersion(seq, log);
    FeedTorrent torrent = FeedTorrent.of(log);
    rogue.seed(torrent, fs.segmentsDir());
    follower.sync().offer(MutableItem.signInfohash(key, feed, seq, torrent.infohash()), List.of(rogueAddress));
  }

  @Test
  void equivocationIsRejectedFlaggedAndTheGoodVersionStays() throws Exception {
    FeedLog fork = FeedLog.empty(feed);
    fork.append(key, new Content.Post("entry zero"), author.own().log().entry(0).timestamp());
    fork.append(key, new Content.Post("a different entry one"), 5);
    fork.append(key, new Content.Post("entry two"), 6);
    assertEquals(author.own().log().entry(0).hash().length, fork.entry(0).hash().length);
    rogueOffers(fork, 10);
    await("the fork is rejected as equivocation", () -> status().equivocation());
    assertTrue(status().rejected().contains("EQUIVOCATION"), status().rejected());
    assertEquals(2, heldSize(), "the good version stays");
    assertEquals("entry one", ((Content.Post) follower.data().feed(feed).load().orElseThrow().entry(1).content()).text());
    assertTrue(follower.app().profile(feed.toString()).equivocation(), "the UI warns on the feed's profile");

    // The fork's item stays in the DHT and comes back on every poll: it is refused without a download.
    await("the rejected download is finished", () -> status().state().equals("current"));
    follower.sync().offer(MutableItem.signInfohash(key, feed, 10, FeedTorrent.of(fork).infohash()), List.of(rogueAddress));
    assertEquals("current", status().state(), "no second download of a rejected version");
  }

  @Test
  void aShorterVersionWithAHigherSeqIsRejectedAsRollback() throws Exception {
    FeedLog shorter = FeedLog.empty(feed);
    shorter.append(key, author.own().log().entry(0).content(), author.own().log().entry(0).timestamp());
    rogueOffers(shorter, 11);
    await("the rollback is rejected", () -> status().rejected() != null);
    assertTrue(status().rejected().contains("ROLLBACK"), status().rejected());
    assertEquals(2, heldSize());
    await("the rejected download is finished", () -> status().state().equals("current"));
    FeedStore store = follower.data().feed(feed);
    FeedTorrent held = store.currentTorrent().orElseThrow();
    try (var files = java.nio.file.Files.list(store.segmentsDir())) {
      assertEquals(List.of(store.segmentFile(held, 0)), files.toList(), "the rejected version's piece is gone");
    }
  }

  @Test
  void anItemPointingAtATorrentNobodyServesTimesOutAndChangesNothing() throws Exception {
    follower.sync().offer(MutableItem.signInfohash(key, feed, 12, new byte[20]), List.of(rogueAddress));
    await("the download gives up", () -> status().rejected() != null);
    assertTrue(status().rejected().contains("timed out") || status().rejected().contains("failed"), status().rejected());
    assertEquals(2, heldSize());
    assertEquals(2, status().heldSeq() >= 0 ? heldSize() : -1);
  }

  @Test
  void anOlderItemIsIgnoredAndShownAsIgnoredNotRejected() throws Exception {
    long held = status().heldSeq();
    FeedLog any = FeedLog.empty(feed);
    any.append(key, new Content.Post("stale"), 1);
    rogueOffers(any, held - 1);
    Thread.sleep(1500);
    assertEquals(held, status().heldSeq(), "the held version stays");
    assertEquals(2, heldSize());
    assertEquals(null, status().rejected(), "an older item is no rejected version");
    org.charkha.sync.IgnoredItems ignored = status().ignored();
    assertEquals(1, ignored.notNewer(), ignored.toString());
    assertEquals(0, ignored.badSignature());
    assertEquals("push from " + rogueAddress, ignored.lastFrom());
    assertTrue(ignored.lastReason().contains("seq " + (held - 1)), ignored.lastReason());
    assertTrue(ignored.lastAtMillis() > 0);

    // The held item itself coming back (every poll finds it in the DHT) is not counted.
    follower.sync().offer(author.own().currentItem().orElseThrow(), List.of());
    assertEquals(1, status().ignored().notNewer());
    var shown = follower.app().status().feeds().get(0).ignored();
    assertEquals(1, shown.notNewer(), "charkha status and the web page show it");
  }

  @Test
  void anItemWithABadSignatureIsShownAsIgnored() throws Exception {
    long held = status().heldSeq();
    MutableItem good = MutableItem.signInfohash(key, feed, held + 1, new byte[20]);
    byte[] push = org.charkha.swarm.ItemMessage.encode(good);
    // the signature is the 64 bytes after "3:sig64:"
    int at = indexOf(push, "3:sig64:".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + 8;
    push[at] ^= 1;
    String reason = null;
    try {
      org.charkha.swarm.ItemMessage.decode(push);
    } catch (org.charkha.swarm.ItemMessage.Unverified e) {
      assertEquals(feed, e.feed());
      reason = e.getMessage();
    }
    assertTrue(reason != null && reason.contains("signature does not verify"), reason);
    follower.sync().ignoreInvalid(feed, "push from " + rogueAddress, reason);
    assertEquals(1, status().ignored().badSignature());
    assertEquals(null, status().rejected());
    assertEquals(held, status().heldSeq());
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what + Stuck.describe(List.of(author, follower)));
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aPeerServingCorruptPiecesDoesNotStopTheFollowerGettingTheRealVersionFromAnHonestPeer() throws Exception {
    author.own().append(new Content.Post("entry two, " + "x".repeat(2000)));
    author.checkOwnFeed();
    MutableItem item = author.own().currentItem().orElseThrow();
    FeedLog genuine = author.own().log();
    // The rogue seeds the genuine version, then swaps its files' bytes for garbage of the same
    // length once bt has checked them: from then on it serves pieces that fail their hash.
    DataDir store = DataDir.open(tmp.resolve("rogue-corrupt"));
    FeedStore fs = store.feed(feed);
    fs.writeVersion(item.seq(), genuine);
    FeedTorrent torrent = FeedTorrent.of(genuine);
    rogue.seed(torrent, fs.segmentsDir()).completion().get(20, java.util.concurrent.TimeUnit.SECONDS);
    try (var files = java.nio.file.Files.list(fs.segmentsDir())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        java.nio.file.Files.write(f, new byte[(int) java.nio.file.Files.size(f)]);
      }
    }
    int authorPort = ports.get(author);
    long start = System.nanoTime();
    follower.sync().offer(item, List.of(rogueAddress,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), authorPort)));
    await("the follower holds the genuine third entry", () -> heldSize() == 3);
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertTrue(seconds <= 45, "a corrupting peer slowed the update to " + seconds + " s (bound 45 s)");
    assertEquals(FeedTorrent.of(genuine).infohashHex(),
        FeedTorrent.of(follower.data().feed(feed).load().orElseThrow()).infohashHex(), "exactly the author's version");
  }

  @Test
  void aFeedOverTheQuotaIsRefusedBeforeItsPiecesOrAfterVerificationAndNotFetchedAgain() throws Exception {
    MutableItem item = author.own().currentItem().orElseThrow();
    int authorPort = ports.get(author);
    List<InetSocketAddress> from = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), authorPort));
    for (var quota : List.of(new org.charkha.sync.FeedQuota(100, 16, 100), new org.charkha.sync.FeedQuota(1 << 20, 16, 1))) {
      Node limited = node("limited-" + quota.maxBytes(), quota);
      limited.own().append(new Content.Follow(feed));
      limited.checkOwnFeed();
      limited.sync().offer(item, from);
      FeedStatus[] status = new FeedStatus[1];
      await("the follower with quota " + quota + " refuses the feed", () -> {
        status[0] = limited.sync().status().get(0);
        return status[0].rejected() != null;
      });
      assertTrue(status[0].rejected().contains("OVER_QUOTA"), status[0].rejected());
      assertTrue(status[0].rejected().contains(quota.maxBytes() == 100 ? "bytes" : "entries"), status[0].rejected());
      assertEquals(-1, status[0].heldSeq(), "nothing over the quota is held");
      assertTrue(limited.data().feed(feed).load().isEmpty(), "nothing over the quota is stored");
      limited.sync().offer(item, from);
      assertTrue(!limited.sync().status().get(0).state().equals("downloading"), "a refused version is not fetched again");
    }
  }
}
