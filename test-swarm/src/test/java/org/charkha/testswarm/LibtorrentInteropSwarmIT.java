package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Charkha nodes and an independent implementation, libtorrent 2.0 (test-swarm/peers/lt_peer.py), in one
 * private DHT and swarm:
 * <ul>
 *   <li>i1: libtorrent gets a Charkha feed's BEP 44 item, and it is the very item the author signed;</li>
 *   <li>i2: libtorrent downloads a Charkha feed torrent of several pieces by infohash from the author, and
 *       after a full recheck every piece passes its hash check, with no hash failure on the way;</li>
 *   <li>i3: libtorrent's own DHT put (peers/lt_put46.cpp, the C++ API) stores a BEP 46 item for an offline
 *       identity while no Charkha node is reachable, so only libtorrent nodes hold it; a Charkha node that
 *       was down during the put then resolves it, and downloads the feed from a libtorrent seeder.</li>
 * </ul>
 * Hosts: n1 Charkha node A, n2 Charkha node B, n3 and n4 libtorrent DHT nodes (n4 also seeds in i3).
 */
@ExtendWith(SwarmExtension.class)
class LibtorrentInteropSwarmIT {
  private static final int LT_PORT = 6881;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void libtorrentAndCharkhaShareItemsAndFeedTorrents(@Hosts(4) Swarm swarm) throws IOException {
    Host n3 = swarm.host(3), n4 = swarm.host(4);
    // libtorrent DHT nodes first (they do not retry a node that did not answer), each knowing all others
    HostProcess lt3 = n3.start(n3.ltPeer(LT_PORT, "--bootstrap", n4.address(LT_PORT),
        "--bootstrap", swarm.host(1).address(CharkhaNode.PORT), "--bootstrap", swarm.host(2).address(CharkhaNode.PORT), "dht-node"));
    lt3.awaitLine("\"event\": \"ready\"", Duration.ofSeconds(10));
    HostProcess lt4 = n4.start(n4.ltPeer(LT_PORT, "--bootstrap", n3.address(LT_PORT),
        "--bootstrap", swarm.host(1).address(CharkhaNode.PORT), "--bootstrap", swarm.host(2).address(CharkhaNode.PORT), "dht-node"));
    lt4.awaitLine("\"event\": \"ready\"", Duration.ofSeconds(10));
    CharkhaNode a = new CharkhaNode(swarm.host(1)), b = new CharkhaNode(swarm.host(2));
    List<Host> charkhaHosts = List.of(a.host(), b.host());
    a.configure(charkhaHosts, 2, "--bootstrap", n3.address(LT_PORT), "--bootstrap", n4.address(LT_PORT));
    b.configure(charkhaHosts, 2, "--bootstrap", n3.address(LT_PORT), "--bootstrap", n4.address(LT_PORT));
    a.launch();
    b.launch();
    a.awaitRunning();
    b.awaitRunning();
    Pattern knowsCharkha = Pattern.compile("\"count\": [2-9]");
    lt3.awaitLine(knowsCharkha, Duration.ofSeconds(30));
    lt4.awaitLine(knowsCharkha, Duration.ofSeconds(30));
    String[] ltBootstrap = {"--bootstrap", n3.address(LT_PORT), "--bootstrap", n4.address(LT_PORT),
        "--bootstrap", a.host().address(CharkhaNode.PORT)};

    // i1: A posts; a libtorrent get from another host finds A's item, and it is A's own signed item
    a.post("hello libtorrent");
    a.awaitAnnounced(1, Duration.ofSeconds(30));
    JsonNode item = a.item();
    JsonNode got = lt(b.host(), 6890, ltBootstrap, "dht-get", a.key(), "--first");
    assertTrue(got.get("found").asBoolean(), "libtorrent on n2 found A's item: " + got);
    assertTrue(got.get("verified_copy").asBoolean(), "the signature verifies: " + got);
    assertEquals(item.get("seq").asLong(), got.get("seq").asLong(), "seq");
    assertEquals(item.get("v").asText(), got.get("v").asText(), "v (bencoded {ih: ...})");
    assertEquals(item.get("sig").asText(), got.get("sig").asText(), "sig");

    // i2: A's feed grows to several pieces (one import, one JVM, instead of 40 posts); libtorrent downloads
    // it by infohash from A alone, then re-checks every piece from disk
    int imported = importLongPosts(a, 40);
    a.awaitAnnounced(item.get("seq").asLong() + 1, Duration.ofSeconds(60));
    JsonNode bigItem = a.item();
    String ih = infohashOf(bigItem.get("v").asText());
    Path save = b.host().home().resolve("lt-download");
    JsonNode dl = lt(b.host(), 6891, new String[0], "--timeout", "60", "download", "--infohash", ih,
        "--peer", a.host().address(CharkhaNode.PORT), "--save", save.toString());
    System.out.println("i2: " + imported + " posts imported; libtorrent download: " + dl);
    assertEquals(ih, dl.get("infohash").asText());
    int pieces = dl.get("pieces").asInt();
    assertTrue(pieces >= 4, "A's feed spans at least 4 pieces: " + dl);
    assertEquals((dl.get("bytes").asLong() + PIECE - 1) / PIECE, pieces, "pieces of " + PIECE + " bytes: " + dl);
    assertTrue(dl.get("rechecked").asBoolean(), "libtorrent finished its recheck (torrent_checked_alert): " + dl);
    assertEquals(pieces, dl.get("pieces_ok_after_recheck").asInt(), "every piece passed the recheck: " + dl);
    assertEquals(0, dl.get("hash_failed_alerts").asInt(), "no piece failed its hash check while downloading: " + dl);
    assertEquals(0, dl.get("total_failed_bytes").asLong(), "no bytes failed their hash check: " + dl);
    assertEquals("seeding", dl.get("event").asText(), dl.toString());

    // i3: identity K lives offline on n4; libtorrent seeds K's exported feed and puts K's BEP 46 item
    Path kHome = n4.home().resolve("k");
    List<String> k = kCommand(n4, kHome);
    execOk(n4, concat(k, "init"));
    execOk(n4, concat(k, "post", "written offline, served by libtorrent"));
    Path export = n4.home().resolve("k-export");
    execOk(n4, concat(k, "export-torrent", export.toString()));
    JsonNode kItem = CharkhaNode.json(execOk(n4, concat(k, "item", "--json")));
    String kLink = execOk(n4, concat(k, "link")).stdout().strip();
    List<String> keyLines = Files.readAllLines(kHome.resolve("identity.key"));
    assertEquals("charkha-ed25519-seed", keyLines.get(0));
    String kSeed = keyLines.get(1).strip();
    HostProcess seeder = n4.start("lt-seed", n4.ltPeer(6882, "--bootstrap", n3.address(LT_PORT),
        "--bootstrap", a.host().address(CharkhaNode.PORT), "--bootstrap", b.host().address(CharkhaNode.PORT),
        "seed", "--torrent", export.resolve("feed.torrent").toString(), "--save", export.toString()));
    seeder.awaitLine("\"event\": \"seeding\"", Duration.ofSeconds(30));
    String kIh = infohashOf(kItem.get("v").asText());

    // Only libtorrent may hold K's item: B is down (so B cannot have seen the put) and A is cut off
    b.stop();
    a.host().cut();
    List<String> put = new ArrayList<>(List.of("--bootstrap", n3.address(LT_PORT), "--bootstrap", n4.address(LT_PORT),
        "--bootstrap", n4.address(6882), "--wait-nodes", "2", "--timeout", "60",
        "--seed", kSeed, "--ih", kIh, "--seq", kItem.get("seq").asText()));
    if (!kItem.get("salt").asText().isEmpty()) {
      put.addAll(List.of("--salt", kItem.get("salt").asText()));
    }
    JsonNode putResult = runJson(n3, LtPut46.command(n3, 6892, put.toArray(String[]::new)));
    System.out.println("i3: libtorrent C++ put: " + putResult);
    assertEquals("libtorrent-c++", putResult.get("engine").asText());
    // num_success counts the putting node too: 2 or more means another libtorrent node stored it
    assertTrue(putResult.get("num_success").asInt() >= 2,
        "libtorrent's dht_put_alert reports K's item stored on another libtorrent node: " + putResult);
    assertEquals(kItem.get("seq").asLong(), putResult.get("seq").asLong(), "seq libtorrent put");
    assertEquals(kItem.get("v").asText(), putResult.get("v").asText(), "libtorrent bencodes {ih: ...} as Charkha does");
    assertEquals(kItem.get("sig").asText(), putResult.get("sig").asText(), "libtorrent signs K's item exactly as Charkha does");
    a.host().heal();

    // B starts again and follows K: it resolves the item that only libtorrent nodes hold, and downloads
    // K's feed from the libtorrent seeder
    b.launch();
    b.awaitRunning();
    b.cli("follow", kLink);
    String kShort = kItem.get("k").asText().substring(0, 8);
    Swarm.waitUntil("n2 (B) holds K's feed", Duration.ofSeconds(90),
        () -> b.host().process().lines().stream().anyMatch(l -> l.contains("feed " + kShort + ": now at seq")));
    JsonNode held = CharkhaNode.json(b.cli("log", kLink, "--json"));
    JsonNode own = CharkhaNode.json(execOk(n4, concat(k, "log", "--json")));
    assertEquals(own.get("entries"), held.get("entries"), "n2 (B) holds exactly K's entries");
    assertEquals(List.of("written offline, served by libtorrent"), FollowSwarmIT.texts(held));
    assertFalse(a.host().process().lines().stream().anyMatch(l -> l.contains("feed " + kShort)), "A never held K");
  }

  /** Piece length of Charkha feed torrents (Limits.SEGMENT_SIZE). */
  private static final long PIECE = 64 * 1024;

  /**
   * Imports {@code count} posts of about 7,800 bytes each (just under the 8 KiB text limit) into {@code node}'s
   * feed through one {@code import-archive} of a Mastodon outbox. The text is random letters, so that the
   * feed stays large however it is stored.
   */
  private static int importLongPosts(CharkhaNode node, int count) throws IOException {
    java.util.Random random = new java.util.Random(46);
    com.fasterxml.jackson.databind.node.ObjectNode outbox = JSON.createObjectNode();
    com.fasterxml.jackson.databind.node.ArrayNode items = outbox.putArray("orderedItems");
    for (int i = 0; i < count; i++) {
      StringBuilder text = new StringBuilder("long post " + i + ":");
      while (text.length() < 7800) {
        text.append(' ');
        for (int w = 3 + random.nextInt(8); w > 0; w--) {
          text.append((char) ('a' + random.nextInt(26)));
        }
      }
      com.fasterxml.jackson.databind.node.ObjectNode activity = items.addObject();
      activity.put("type", "Create");
      com.fasterxml.jackson.databind.node.ObjectNode note = activity.putObject("object");
      note.put("type", "Note");
      note.put("id", "https://example.invalid/notes/" + i);
      note.put("published", java.time.Instant.ofEpochSecond(1_700_000_000L + i).toString());
      note.put("content", "<p>" + text + "</p>");
      note.putArray("to").add("https://www.w3.org/ns/activitystreams#Public"); // only public posts are imported
    }
    Path file = node.host().home().resolve("outbox.json");
    JSON.writeValue(file.toFile(), outbox);
    JsonNode report = CharkhaNode.json(node.cli("import-archive", file.toString(), "--json"));
    assertEquals(count, report.get("imported").asInt(), "posts imported: " + report);
    return count;
  }

  /** The 20-byte infohash (hex) inside a bencoded BEP 46 value {@code d2:ih20:<ih>e}, given as hex. */
  static String infohashOf(String vHex) {
    String prefix = hex("d2:ih20:");
    assertTrue(vHex.startsWith(prefix) && vHex.length() == prefix.length() + 40 + 2, "not a BEP 46 value: " + vHex);
    return vHex.substring(prefix.length(), prefix.length() + 40);
  }

  private static List<String> kCommand(Host h, Path kHome) {
    List<String> cmd = new ArrayList<>(h.swarm().javaCommand());
    cmd.addAll(List.of("-jar", Swarm.charkhaJar().toString(), "--home", kHome.toString()));
    return cmd;
  }

  private static ExecResult execOk(Host h, List<String> cmd) {
    return h.exec(Duration.ofSeconds(60), cmd).assertOk();
  }

  private static JsonNode lt(Host h, int port, String[] bootstrap, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(h.ltPeer(port, bootstrap));
    cmd.addAll(List.of(args));
    return runJson(h, cmd);
  }

  /** Runs {@code cmd} on {@code h}; its last JSON line on stdout, after checking it exited 0. */
  private static JsonNode runJson(Host h, List<String> cmd) throws IOException {
    ExecResult r = h.exec(Duration.ofSeconds(90), cmd);
    List<String> json = r.stdout().lines().filter(l -> l.startsWith("{")).toList();
    assertFalse(json.isEmpty(), r.describe());
    JsonNode last = JSON.readTree(json.get(json.size() - 1));
    assertEquals(0, r.exitCode(), r.describe());
    return last;
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  private static String hex(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte x : s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }
}
