package org.charkha.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.charkha.archive.ArchiveImport;
import org.charkha.archive.ArchiveReader;
import org.charkha.archive.ArchiveReport;
import org.charkha.feed.TestFeeds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A Mastodon outbox.json or an X/Twitter tweets.js that a user imports: someone else wrote it. */
class ArchiveReaderFuzzTest {
  private static Path file;

  @BeforeAll
  static void tempFile() throws IOException {
    file = Files.createTempFile("charkha-archive-fuzz", ".json");
  }

  @AfterAll
  static void removeTempFile() throws IOException {
    Files.deleteIfExists(file);
  }

  @FuzzTest
  void readsOrExplains(byte[] data) throws Exception {
    Files.write(file, data);
    Expected.onlyThrows(() -> {
      ArchiveReport report = ArchiveReader.read(file);
      ArchiveImport.plan(report.posts(), TestFeeds.alice().feed(), 0);
    }, IOException.class, IllegalArgumentException.class);
  }
}
