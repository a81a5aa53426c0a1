package org.charkha.feed;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.charkha.dht.MutableItem;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test vectors in protocol-notes/*.md are computed here from the fixed seed, so the notes and
 * the code cannot drift apart. Marker format (see 0000-index.md): a line
 * {@code vector: <name> = <lower-case hex>} or {@code vector: <name> = "<text>"}, where a hex value
 * may continue on the following lines that hold only whitespace-indented hex.
 *
 * <p>Every vector computed here must appear in the notes exactly once, and every vector in the
 * notes must be one computed here. Run with {@code -Dcharkha.printVectors=true} to print the
 * current values in the marker format.
 */
class ProtocolNotesVectorsTest {
  private static final Pattern VECTOR = Pattern.compile("^vector: ([a-z0-9.-]+) = (\"[^\"]*\"|[0-9a-f]+)\\s*$");
  private static final Pattern CONTINUATION = Pattern.compile("^\\s+([0-9a-f]+)\\s*$");
  private static final Path NOTES = Path.of("protocol-notes");

  private static Map<String, String> computed;

  @BeforeAll
  static void compute() {
    Map<String, String> v = new LinkedHashMap<>();
    Identity alice = TestFeeds.alice();
    FeedId feed = alice.feed();
    FeedId bep46Feed = FeedId.of(Hex.decode("8543d3e6115f0f98c944077a4493dcd543e49c739fd998550a1f614ab36ed63e", "pk"));
    hex(v, "identity.seed", alice.seed());
    hex(v, "identity.public-key", alice.publicKey());
    text(v, "identity.follow-link", FeedLink.of(feed).toString());
    text(v, "identity.follow-link-salted", FeedLink.of(FeedId.of(alice.publicKey(), "n".getBytes(UTF_8))).toString());

    FeedLog log = FeedLog.empty(feed);
    Entry e0 = log.append(alice, new Content.Post("Hello, Charkha!"), TestFeeds.T0);
    Entry e1 = log.append(alice, new Content.Follow(bep46Feed), TestFeeds.T0 + 1000);
    hex(v, "entry0.body", e0.bodyBytes());
    hex(v, "entry0.head", e0.headBytes());
    hex(v, "entry0.hash", e0.hash());
    hex(v, "entry1.body", e1.bodyBytes());
    hex(v, "entry1.head", e1.headBytes());
    hex(v, "entry1.hash", e1.hash());

    Segment s = log.segments().get(0);
    hex(v, "segment0.root", s.root());
    hex(v, "segment0.signed-message", Segment.signedMessage(Segment.header(feed, 0, 0, 2, s.root())));
    hex(v, "segment0.signature", s.signature());
    hex(v, "segment0.piece", log.pieces().get(0));

    FeedTorrent torrent = FeedTorrent.of(log);
    hex(v, "torrent.info", torrent.infoDict());
    hex(v, "torrent.infohash", torrent.infohash());

    // 0004 section 2: the same log with one media file, as a future writer would publish it; the
    // reader (parseInfo) takes it with one segment and one media piece.
    byte[] mediaInfo = org.charkha.torrent.MediaTorrents.build(log, List.of("Hello, media!".getBytes(UTF_8))).info();
    FeedTorrent withMedia = FeedTorrent.parseInfo(feed, mediaInfo);
    if (withMedia.segmentCount() != 1 || withMedia.pieceCount() != 2) {
      throw new AssertionError("media.info: " + withMedia.segmentCount() + " segments, " + withMedia.pieceCount() + " pieces");
    }
    hex(v, "media.info", withMedia.infoDict());
    hex(v, "media.infohash", withMedia.infohash());

    MutableItem item = MutableItem.signInfohash(alice, feed, 1, torrent.infohash());
    hex(v, "item.value", item.value());
    hex(v, "item.signed-buffer", MutableItem.signedBuffer(new byte[0], 1, item.value()));
    hex(v, "item.signature", item.signature());
    hex(v, "item.target", item.target());

    hex(v, "proof1.bytes", log.prove(1).encode());

    // Version 2 after "delete 0": entry 2 is the delete, entry 0 keeps its head and loses its body;
    // the segment grows by entry 2, so it is re-signed, and the item's seq goes up by one.
    log.append(alice, new Content.Delete(0), TestFeeds.T0 + 2000);
    hex(v, "deleted.piece", log.pieces().get(0));
    hex(v, "deleted.infohash", FeedTorrent.of(log).infohash());
    MutableItem item2 = MutableItem.signInfohash(alice, feed, 2, FeedTorrent.of(log).infohash());
    hex(v, "deleted.item.signature", item2.signature());

    // Published vectors (BEP 44 tests 1 and 2, BEP 46): the targets are computed, the signatures
    // are checked to verify with the published key before they count as matching.
    byte[] bep44pk = Hex.decode("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548", "pk");
    byte[] hello = "12:Hello World!".getBytes(UTF_8);
    FeedId test1 = FeedId.of(bep44pk);
    FeedId test2 = FeedId.of(bep44pk, "foobar".getBytes(UTF_8));
    hex(v, "bep44.test1.target", MutableItem.target(test1));
    hex(v, "bep44.test1.signature", MutableItem.verified(test1, 1, hello, Hex.decode(
        "305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
        + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01", "sig")).signature());
    hex(v, "bep44.test2.target", MutableItem.target(test2));
    hex(v, "bep44.test2.signature", MutableItem.verified(test2, 1, hello, Hex.decode(
        "6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
        + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08", "sig")).signature());
    hex(v, "bep46.target", MutableItem.target(bep46Feed));
    hex(v, "bep46.target-salt-6e", MutableItem.target(FeedId.of(bep46Feed.publicKey(), new byte[] {0x6e})));
    computed = v;
  }

  private static void hex(Map<String, String> v, String name, byte[] value) {
    v.put(name, Hex.encode(value));
  }

  private static void text(Map<String, String> v, String name, String value) {
    v.put(name, "\"" + value + "\"");
  }

  /** name -> value for every vector in the notes; fails on a name defined twice. */
  static Map<String, String> readNotes() throws IOException {
    Map<String, String> found = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(NOTES)) {
      files = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (!line.startsWith("vector:")) {
          continue;
        }
        Matcher m = VECTOR.matcher(line);
        assertTrue(m.matches(), file.getFileName() + ":" + (i + 1) + ": malformed vector line: " + line);
        StringBuilder value = new StringBuilder(m.group(2));
        while (!value.toString().startsWith("\"") && i + 1 < lines.size()) {
          Matcher c = CONTINUATION.matcher(lines.get(i + 1));
          if (!c.matches()) {
            break;
          }
          value.append(c.group(1));
          i++;
        }
        String previous = found.put(m.group(1), value.toString());
        assertEquals(null, previous, "vector " + m.group(1) + " is defined twice (again in " + file.getFileName() + ")");
      }
    }
    return found;
  }

  @Test
  void everyVectorInTheNotesMatchesTheCode() throws IOException {
    if (Boolean.getBoolean("charkha.printVectors")) {
      computed.forEach((k, val) -> System.out.println("vector: " + k + " = " + wrap(val)));
    }
    Map<String, String> notes = readNotes();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : notes.entrySet()) {
      String expected = computed.get(e.getKey());
      if (expected == null) {
        problems.add(e.getKey() + ": in the notes but not computed by this test");
      } else if (!expected.equals(e.getValue())) {
        problems.add(e.getKey() + ": notes say " + e.getValue() + "\n    code says " + expected);
      }
    }
    TreeSet<String> missing = new TreeSet<>(computed.keySet());
    missing.removeAll(notes.keySet());
    for (String m : missing) {
      problems.add(m + ": computed but missing from the notes");
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  /** Hex longer than 64 digits is wrapped onto indented continuation lines, as in the notes. */
  private static String wrap(String value) {
    if (value.startsWith("\"") || value.length() <= 64) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.substring(0, 64));
    for (int i = 64; i < value.length(); i += 64) {
      sb.append("\n    ").append(value, i, Math.min(value.length(), i + 64));
    }
    return sb.toString();
  }
}
