package org.charkha.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.charkha.bencode.Bencode;
import org.charkha.bencode.BencodeException;
import org.charkha.archive.ArchiveReader;
import org.charkha.archive.ArchiveReport;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerifier;
import java.util.Map;
import org.charkha.feed.TestFeeds;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each input the fuzzers found that broke a decoder's contract, fixed in the main code and kept
 * here as a plain test (the crashing inputs also stay in the seed corpora).
 */
class FuzzFindingsTest {
  @TempDir
  Path home;

  @Test
  void aDictionaryKeyThatIsNotUtf8IsRefusedSoDecodedValuesReEncodeToTheSameBytes() {
    // Found by BencodeFuzzTest: key bytes 98 68 decoded as ISO-8859-1 but re-encoded as UTF-8 (3 bytes).
    byte[] bad = "d2:\u0098hi1ee".getBytes(ISO_8859_1);
    BencodeException e = assertThrows(BencodeException.class, () -> Bencode.decode(bad));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    byte[] utf8Key = "d2:\u00c3\u00a9i1ee".getBytes(ISO_8859_1); // "é" in UTF-8
    assertArrayEquals(utf8Key, Bencode.encode(Bencode.decode(utf8Key)));
  }

  @Test
  void anEntryTheOwnerCanSignWithAnyTimestampEveryFollowerCanVerify() throws Exception {
    // Found by FeedWriterFuzzTest: the writer encoded Long.MIN_VALUE as i-9223372036854775808e but
    // the reader called it an overflow, so one entry made the whole feed unverifiable, even for its owner.
    for (long ts : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, Long.MAX_VALUE}) {
      FeedLog log = FeedLog.empty(TestFeeds.alice().feed());
      log.append(TestFeeds.alice(), new Content.Post("when?"), ts);
      assertEquals(ts, FeedVerifier.verify(log.feed(), log.pieces()).entry(0).timestamp());
    }
    assertEquals(Long.MIN_VALUE, Bencode.decode("i-9223372036854775808e".getBytes(ISO_8859_1)));
    assertThrows(BencodeException.class, () -> Bencode.decode("i-9223372036854775809e".getBytes(ISO_8859_1)));
    assertThrows(BencodeException.class, () -> Bencode.decode("i9223372036854775808e".getBytes(ISO_8859_1)));
  }

  @Test
  void anArchiveDateBeyondTheMillisecondRangeIsSkippedNotACrash() throws Exception {
    // Instant.parse accepts years up to 1,000,000,000, whose epoch milliseconds overflow a long.
    Path outbox = home.resolve("outbox.json");
    Files.writeString(outbox, "{\"orderedItems\": [{\"type\": \"Create\", \"object\": {\"type\": \"Note\", "
        + "\"id\": \"1\", \"to\": [\"https://www.w3.org/ns/activitystreams#Public\"], "
        + "\"content\": \"far future\", \"published\": \"+999999999-01-01T00:00:00Z\"}}]}");
    ArchiveReport report = ArchiveReader.read(outbox);
    assertEquals(0, report.posts().size());
    assertEquals(Map.of("no readable date", 1), report.skipped());
  }

  @Test
  void aDamagedItemFileIsAClearIoErrorNotACrash() throws IOException {
    // Found by FeedStoreItemFuzzTest: an empty file threw a raw BencodeException, "de" a NullPointerException.
    FeedStore store = DataDir.open(home).feed(TestFeeds.alice().feed());
    Files.createDirectories(store.dir());
    for (String content : new String[] {"", "de", "d3:seqi1ee", "d3:seqi1e3:sig64:" + "x".repeat(64) + "e", "x"}) {
      Files.writeString(store.dir().resolve("item"), content, ISO_8859_1);
      IOException e = assertThrows(IOException.class, store::readItem, content);
      assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains("item"), e.getMessage());
    }
  }
}
