package org.charkha.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.charkha.feed.FeedId;
import org.charkha.feed.TestFeeds;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The stored item file may be torn or corrupted on disk (or planted by another local user):
 * reading it gives the item or a clear IOException, never a crash.
 */
class FeedStoreItemFuzzTest {
  private static final FeedId FEED = TestFeeds.alice().feed();
  private static Path home;
  private static FeedStore store;

  @BeforeAll
  static void dataDir() throws IOException {
    home = Files.createTempDirectory("charkha-item-fuzz");
    store = DataDir.open(home).feed(FEED);
    Files.createDirectories(store.dir());
  }

  @AfterAll
  static void removeDataDir() throws IOException {
    try (var paths = Files.walk(home)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest
  void readItemReturnsTheItemOrExplains(byte[] data) throws Exception {
    Files.write(store.dir().resolve("item"), data);
    Expected.onlyThrows(() -> store.readItem(), IOException.class);
  }
}
