package org.charkha.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedStoreTest {
  @TempDir Path home;

  /**
   * Two removals of the same old version at once (a follower's prune after a new version and the
   * delayed prune of the version before) must both succeed: one that failed half-way once made
   * the follower treat a stored version as a failed download and delete it.
   */
  @Test
  void deletingATreeThatSomeoneElseDeletesMeanwhileSucceeds() throws Exception {
    for (int round = 0; round < 30; round++) {
      Path tree = home.resolve("v" + round);
      for (int d = 0; d < 20; d++) {
        Path sub = Files.createDirectories(tree.resolve("feed-" + d));
        for (int f = 0; f < 20; f++) {
          Files.write(sub.resolve(String.format("%08d.seg", f)), new byte[] {1});
        }
      }
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.Callable<Void> delete = () -> {
        start.await();
        FeedStore.deleteTree(tree);
        return null;
      };
      java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var a = two.submit(delete);
        var b = two.submit(delete);
        a.get();
        b.get();
      } finally {
        two.shutdownNow();
      }
      assertFalse(Files.exists(tree), "round " + round);
    }
  }

  @Test
  void keyFileIsOwnerOnlyAndRoundTrips() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.keyFile())));
    assertArrayEquals(id.publicKey(), data.identity().publicKey());
    assertFalse(Files.readString(data.keyFile()).isEmpty());
  }

  @Test
  void refusesToReplaceAnExistingKey() throws Exception {
    DataDir data = DataDir.open(home);
    data.initialize();
    assertThrows(java.nio.file.FileAlreadyExistsException.class, data::initialize);
  }

  @Test
  void refusesAKeyFileOthersCanRead() throws Exception {
    DataDir data = DataDir.open(home);
    data.initialize();
    Files.setPosixFilePermissions(data.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
    var e = assertThrows(java.nio.file.AccessDeniedException.class, data::identity);
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void newVersionHardLinksUnchangedSegmentsAndPrunesOldOnes() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    long t = 1_700_000_000_000L;
    while (log.segments().size() < 2) {
      log.append(id, new Content.Post("filler ".repeat(100)), t++);
    }
    store.writeVersion(1, log);
    log.append(id, new Content.Post("one more"), t++);
    store.writeVersion(2, log);
    Path seg0v1 = store.versionRoot(1).resolve(FeedTorrent.name(id.feed())).resolve(FeedTorrent.fileName(0));
    Path seg0v2 = store.versionRoot(2).resolve(FeedTorrent.name(id.feed())).resolve(FeedTorrent.fileName(0));
    assertTrue(Files.isSameFile(seg0v1, seg0v2), "a full segment that did not change is shared, not copied");
    store.prune();
    assertFalse(Files.exists(store.versionRoot(1)));
    assertEquals(2, store.currentVersion().getAsLong());
    assertEquals(log.size(), store.load().orElseThrow().size());
  }

  @Test
  void deletedTextLeavesEveryFileOfTheFeed() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    log.append(id, new Content.Post("a secret I regret"), 1);
    store.writeVersion(1, log);
    log.append(id, new Content.Delete(0), 2);
    store.writeVersion(2, log);
    store.prune();
    try (Stream<Path> files = Files.walk(store.dir())) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("secret I regret"), f + " still holds the deleted text");
      }
    }
  }

  @Test
  void stagingLinksOnlyPiecesWhoseHashMatches() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    long t = 1;
    while (log.segments().size() < 2) {
      log.append(id, new Content.Post("x".repeat(500)), t++);
    }
    store.writeVersion(1, log);
    log.append(id, new Content.Post("tail grows"), t++);
    FeedTorrent next = FeedTorrent.of(log);
    Path staging = store.stageDownload(2, next);
    Path content = staging.resolve(next.name());
    assertTrue(Files.exists(content.resolve(FeedTorrent.fileName(0))), "unchanged full segment is reused");
    assertFalse(Files.exists(content.resolve(FeedTorrent.fileName(1))), "changed tail must be downloaded");
  }

  @Test
  void itemRoundTripsAndVerifies() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    MutableItem item = MutableItem.signInfohash(id, id.feed(), 7, new byte[20]);
    store.writeItem(item);
    assertEquals(item, store.readItem().orElseThrow());
  }

  @Test
  void aVersionAndItsItemBecomeCurrentInOneStep() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    log.append(id, new Content.Post("one"), 1);
    MutableItem first = MutableItem.signInfohash(id, id.feed(), 1, FeedTorrent.of(log).infohash());
    store.writeItem(MutableItem.signInfohash(id, id.feed(), 0, new byte[20])); // as stored before versions held items
    store.writeVersion(1, log, first);
    assertEquals(first, store.readItem().orElseThrow());
    assertFalse(Files.exists(store.dir().resolve("item")), "the item outside the versions is gone");

    log.append(id, new Content.Post("two"), 2);
    FeedTorrent next = FeedTorrent.of(log);
    MutableItem second = MutableItem.signInfohash(id, id.feed(), 2, next.infohash());
    Path staging = store.stageDownload(2, next);
    store.writeItem(second); // as if the process died between writing the item and the switch
    assertEquals(first, store.readItem().orElseThrow(), "an item is current only with its version");
    for (int i = 0; i < next.pieceCount(); i++) {
      Path f = staging.resolve(next.name()).resolve(FeedTorrent.fileName(i));
      if (!Files.exists(f)) {
        Files.write(f, log.pieces().get(i));
      }
    }
    store.commit(2, staging, second);
    assertEquals(second, store.readItem().orElseThrow());
    assertArrayEquals(FeedTorrent.of(store.load().orElseThrow()).infohash(), store.readItem().orElseThrow().infohash());
    assertThrows(IllegalArgumentException.class, () -> store.commit(3, staging, second));
  }

  @Test
  void storedFeedsListsFeedDirectories() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedLog log = FeedLog.empty(id.feed());
    log.append(id, new Content.Post("hi"), 1);
    data.feed(id.feed()).writeVersion(1, log);
    Files.createDirectories(data.feedsDir().resolve("not-a-feed"));
    assertEquals(List.of(id.feed()), data.storedFeeds());
  }
}
