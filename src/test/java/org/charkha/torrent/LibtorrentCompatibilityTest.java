package org.charkha.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.feed.Limits;
import org.charkha.feed.TestFeeds;
import org.charkha.testing.RequiredTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real BitTorrent client must see a feed torrent as an ordinary, complete multi-file torrent:
 * libtorrent (through its Python binding) loads our .torrent, hash-checks the segment files and
 * must report every piece present. Skipped where python3-libtorrent is not installed. Offline.
 */
class LibtorrentCompatibilityTest {
  private static final String PYTHON = "/usr/bin/python3";

  @BeforeAll
  static void requireLibtorrent() throws Exception {
    boolean available = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process p = new ProcessBuilder(PYTHON, "-c", "import libtorrent").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
    RequiredTool.require(available, "python3-libtorrent is not installed (apt-get install python3-libtorrent)");
  }

  @Test
  void libtorrentSeesEveryPieceOfAFeedTorrent(@TempDir Path dir) throws Exception {
    Identity alice = TestFeeds.alice();
    FeedLog log = TestFeeds.withSegments(alice, 3);
    FeedTorrent torrent = FeedTorrent.of(log);
    Path torrentFile = write(dir, torrent, log.pieces());

    JsonNode r = check(dir, torrentFile);
    assertTrue(r.get("checked").asBoolean(), r.toString());
    assertEquals(0, r.get("errors").size(), r.toString());
    assertEquals(torrent.infohashHex(), r.get("infohash").asText(), "libtorrent computes the same infohash");
    assertEquals(torrent.name(), r.get("name").asText());
    assertEquals(Limits.SEGMENT_SIZE, r.get("piece_length").asInt());
    assertEquals(log.pieces().size(), r.get("num_pieces").asInt());
    for (int i = 0; i < log.pieces().size(); i++) {
      JsonNode file = r.get("files").get(i);
      assertEquals(torrent.name() + "/" + FeedTorrent.fileName(i), file.get(0).asText());
      assertEquals(log.pieces().get(i).length, file.get(1).asInt());
      assertTrue(r.get("have").get(i).asBoolean(), "libtorrent lacks piece " + i + ": " + r);
    }
    assertTrue(r.get("is_seeding").asBoolean(), r.toString());
  }

  @Test
  void libtorrentFindsACorruptSegmentFile(@TempDir Path dir) throws Exception {
    Identity alice = TestFeeds.alice();
    FeedId salted = FeedId.of(alice.publicKey(), "n".getBytes(StandardCharsets.US_ASCII));
    FeedLog log = TestFeeds.posts(alice, salted, 40, 4000);
    FeedTorrent torrent = FeedTorrent.of(log);
    Path torrentFile = write(dir, torrent, log.pieces());
    byte[] broken = log.pieces().get(1).clone();
    broken[100] ^= 1;
    Files.write(dir.resolve(torrent.name()).resolve(FeedTorrent.fileName(1)), broken);

    JsonNode r = check(dir, torrentFile);
    assertEquals(torrent.infohashHex(), r.get("infohash").asText());
    assertTrue(r.get("have").get(0).asBoolean(), r.toString());
    assertFalse(r.get("have").get(1).asBoolean(), "libtorrent accepted a corrupted piece: " + r);
    assertTrue(r.get("have").get(2).asBoolean(), r.toString());
    assertFalse(r.get("is_seeding").asBoolean());
  }

  private static Path write(Path dir, FeedTorrent torrent, List<byte[]> pieces) throws IOException {
    Path files = Files.createDirectories(dir.resolve(torrent.name()));
    for (int i = 0; i < pieces.size(); i++) {
      Files.write(files.resolve(FeedTorrent.fileName(i)), pieces.get(i));
    }
    Path t = dir.resolve(torrent.name() + ".torrent");
    Files.write(t, torrent.metainfo());
    return t;
  }

  private static JsonNode check(Path dir, Path torrentFile) throws Exception {
    Path script = dir.resolve("libtorrent_check.py");
    try (InputStream in = LibtorrentCompatibilityTest.class.getResourceAsStream("libtorrent_check.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process p = new ProcessBuilder(PYTHON, script.toString(), torrentFile.toString(), dir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "libtorrent check timed out");
    assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(out);
  }
}
