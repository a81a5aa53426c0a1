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
  void aNewVersionWritesOnlyItsChangedSegmentsAndPruneRemovesTheOldOnes() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    long t = 1_700_000_000_000L;
    while (log.segments().size() < 2) {
      log.append(id, new Content.Post("filler ".repeat(100)), t++);
    }
    store.writeVersion(1, log);
    FeedTorrent v1 = store.currentTorrent().orElseThrow();
    Path full = store.segmentFile(v1, 0);
    Path tail = store.segmentFile(v1, 1);
    var fullWritten = Files.getLastModifiedTime(full);
    log.append(id, new Content.Post("one more"), t++);
    store.writeVersion(2, log);
    FeedTorrent v2 = store.currentTorrent().orElseThrow();
    assertEquals(full, store.segmentFile(v2, 0), "a full segment that did not change is shared");
    assertEquals(fullWritten, Files.getLastModifiedTime(full), "and not written again");
    assertTrue(Files.exists(tail), "the old tail stays until a prune: the old version may still be seeded");
    assertTrue(Files.exists(store.segmentFile(v2, 1)));
    store.prune();
    assertFalse(Files.exists(store.versionDir(1)));
    assertFalse(Files.exists(tail), "no version names the old tail any more");
    try (Stream<Path> files = Files.list(store.segmentsDir())) {
      assertEquals(2, files.count());
    }
    assertEquals(2, store.currentVersion().getAsLong());
    assertEquals(log.size(), store.load().orElseThrow().size());
  }

  @Test
  void pruneKeepsTheFilesOfADownloadInProgressAndOfKeptVersions() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    log.append(id, new Content.Post("one"), 1);
    store.writeVersion(1, log);
    FeedTorrent v1 = store.currentTorrent().orElseThrow();
    log.append(id, new Content.Post("two"), 2);
    store.writeVersion(2, log);
    log.append(id, new Content.Post("three"), 3);
    FeedTorrent v3 = FeedTorrent.of(log);
    store.beginDownload(3, v3);
    Files.write(store.segmentFile(v3, 0), log.pieces().get(0)); // as bt writes a piece
    Files.write(store.segmentsDir().resolve("00000000-" + "ab".repeat(20) + ".seg"), new byte[] {1}); // left by a crash
    store.prune(1);
    assertTrue(Files.exists(store.segmentFile(v1, 0)), "version 1 was kept");
    assertTrue(Files.exists(store.segmentFile(v3, 0)), "version 3 is being downloaded");
    try (Stream<Path> files = Files.list(store.segmentsDir())) {
      assertEquals(4, files.count(), "a prune removes what removed versions named, nothing else");
    }
    store.sweep();
    try (Stream<Path> files = Files.list(store.segmentsDir())) {
      assertEquals(3, files.count(), "the file no version names is gone");
    }
    store.commit(3, null);
    store.prune();
    try (Stream<Path> files = Files.list(store.segmentsDir())) {
      assertEquals(List.of(store.segmentFile(v3, 0)), files.toList());
    }
    assertEquals(3, store.load().orElseThrow().size());
  }

  /**
   * A version whose torrent carries media files (0004 section 2) is stored and loaded as its
   * segments: the last one padded as the torrent has it, no media file stored or named.
   */
  @Test
  void aDownloadedVersionWithMediaFilesIsStoredAndLoadedAsItsSegments() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    long t = 1;
    while (log.segments().size() < 2) {
      log.append(id, new Content.Post("x".repeat(3000)), t++);
    }
    org.charkha.torrent.MediaTorrents.Built built = org.charkha.torrent.MediaTorrents.build(log,
        List.of("a photo".getBytes(StandardCharsets.US_ASCII)));
    FeedTorrent withMedia = FeedTorrent.parseInfo(id.feed(), built.info());
    store.beginDownload(1, withMedia);
    for (int i = 0; i < withMedia.segmentCount(); i++) {
      Files.write(store.segmentFile(withMedia, i), built.segmentPieces().get(i)); // as bt writes a piece
    }
    store.commit(1, null);
    store.prune();
    store.sweep();

    assertEquals(log.entries(), store.load().orElseThrow().entries());
    assertEquals(withMedia.infohashHex(), store.currentTorrent().orElseThrow().infohashHex(), "the torrent as received");
    try (Stream<Path> files = Files.list(store.segmentsDir())) {
      assertEquals(2, files.count(), "the segment files, nothing for the media");
    }
  }

  @Test
  void aStoreOfTheOldLayoutIsReadAndMovedToSharedSegmentFiles() throws Exception {
    DataDir data = DataDir.open(home);
    Identity id = data.initialize();
    FeedStore store = data.feed(id.feed());
    FeedLog log = FeedLog.empty(id.feed());
    long t = 1;
    while (log.segments().size() < 3) {
      log.append(id, new Content.Post("x".repeat(500)), t++);
    }
    // v4/<torrent name>/NNNNNNNN.seg, current -> v4: as stores were written before this layout
    Path content = Files.createDirectories(store.dir().resolve("v4").resolve(FeedTorrent.name(id.feed())));
    for (int i = 0; i < log.pieces().size(); i++) {
      Files.write(content.resolve(FeedTorrent.fileName(i)), log.pieces().get(i));
    }
    Files.createSymbolicLink(store.dir().resolve("current"), Path.of("v4"));
    MutableItem item = MutableItem.signInfohash(id, id.feed(), 4, FeedTorrent.of(log).infohash());
    store.writeItem(item);
    assertEquals(log.pieces().size(), store.readPieces().size(), "read as it is");

    assertEquals(log.size(), store.load().orElseThrow().size());
    FeedTorrent torrent = store.currentTorrent().orElseThrow();
    assertArrayEquals(FeedTorrent.of(log).infohash(), torrent.infohash());
    for (int i = 0; i < torrent.pieceCount(); i++) {
      assertArrayEquals(log.pieces().get(i), Files.readAllBytes(store.segmentFile(torrent, i)));
    }
    assertFalse(Files.exists(content), "the old layout's files are gone");
    assertEquals(item, store.readItem().orElseThrow());
    log.append(id, new Content.Post("after the move"), t++);
    store.writeVersion(5, log);
    store.prune();
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
    store.beginDownload(2, next);
    store.writeItem(second); // as if the process died between writing the item and the switch
    assertEquals(first, store.readItem().orElseThrow(), "an item is current only with its version");
    for (int i = 0; i < next.pieceCount(); i++) {
      Path f = store.segmentFile(next, i);
      if (!Files.exists(f)) {
        Files.write(f, log.pieces().get(i));
      }
    }
    store.commit(2, second);
    assertEquals(second, store.readItem().orElseThrow());
    assertArrayEquals(FeedTorrent.of(store.load().orElseThrow()).infohash(), store.readItem().orElseThrow().infohash());
    store.beginDownload(3, next);
    assertThrows(IllegalArgumentException.class, () -> store.commit(3, second));
    assertThrows(java.nio.file.NoSuchFileException.class, () -> store.commit(4, null), "no download of 4 was begun");
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
