package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLink;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Hex;
import org.charkha.node.OwnFeed;
import org.charkha.store.DataDir;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  @TempDir Path home;
  private final ObjectMapper json = new ObjectMapper();

  private record Result(int exit, String out, String err) {
    String lastWord() {
      String[] words = out.strip().split("\\s+");
      return words[words.length - 1];
    }
  }

  private Result run(String... args) {
    CommandLine cl = Cli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 2];
    full[0] = "--home";
    full[1] = home.toString();
    System.arraycopy(args, 0, full, 2, args.length);
    int exit = cl.execute(full);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void aNewUserPostsEditsDeletesAndReadsTheirLog() throws Exception {
    assertEquals(0, run("init", "--name", "Asha").exit());
    Result link = run("link");
    FeedLink parsed = FeedLink.parse(link.out().strip());
    assertEquals("Asha", parsed.displayName().orElseThrow());
    JsonNode linkJson = json.readTree(run("link", "--json").out());
    assertEquals(link.out().strip(), linkJson.get("link").asText());
    assertEquals(parsed.feed().toString(), linkJson.get("feed").asText());
    assertEquals(parsed.feed().keyHex(), linkJson.get("key").asText());
    assertEquals("", linkJson.get("salt").asText());
    assertEquals("Asha", linkJson.get("name").asText());

    Result post = run("post", "hello", "world");
    assertEquals(0, post.exit());
    String ref = post.lastWord();
    assertEquals(parsed.feed() + "/1", ref);

    assertTrue(run("edit", ref, "hello", "again").lastWord().endsWith("/2"));
    assertTrue(run("comment", ref, "a reply").lastWord().endsWith("/3"));
    assertTrue(run("react", ref, "🙏").lastWord().endsWith("/4"));
    assertTrue(run("delete", "3").lastWord().endsWith("/5"));
    assertTrue(run("profile", "--bio", "spins").lastWord().endsWith("/6"));

    JsonNode log = json.readTree(run("log", "--json").out());
    JsonNode entries = log.get("entries");
    assertEquals(7, entries.size());
    assertEquals("hello world", entries.get(1).get("text").asText());
    assertEquals("hello again", entries.get(2).get("text").asText());
    assertTrue(entries.get(3).get("redacted").asBoolean(), "deleted comment has no body");
    assertEquals(ref, entries.get(4).get("on").asText());
    assertEquals("spins", entries.get(6).get("bio").asText());
  }

  @Test
  void itemJsonIsTheSignedBep46RecordOfTheCurrentVersion() throws Exception {
    run("init");
    run("post", "one");
    run("post", "two");
    JsonNode item = json.readTree(run("item", "--json").out());
    FeedId feed = FeedId.parse(item.get("k").asText());
    MutableItem verified = MutableItem.verified(feed, item.get("seq").asLong(),
        Hex.decode(item.get("v").asText(), "v"), Hex.decode(item.get("sig").asText(), "sig"));
    assertEquals(2, verified.seq());
    assertEquals(Hex.encode(MutableItem.target(feed)), item.get("target").asText());
    assertEquals("", item.get("salt").asText());
  }

  @Test
  void exportedTorrentHashChecksAgainstItsFiles() throws Exception {
    run("init");
    run("post", "exported");
    Path out = home.resolve("export");
    assertEquals(0, run("export-torrent", out.toString()).exit());
    byte[] metainfo = Files.readAllBytes(out.resolve("feed.torrent"));
    var torrent = new bt.metainfo.MetadataService().fromByteArray(metainfo);
    FeedId feed = FeedId.parse(json.readTree(run("item", "--json").out()).get("k").asText());
    FeedTorrent expected = FeedTorrent.of(FeedVerifier.verify(feed,
        java.util.List.of(Files.readAllBytes(out.resolve(FeedTorrent.name(feed)).resolve("00000000.seg")))));
    assertArrayEquals(expected.infohash(), torrent.getTorrentId().getBytes());
  }

  @Test
  void exportedMultiPieceTorrentHashChecksEveryPaddedFile() throws Exception {
    run("init");
    for (int i = 0; i < 30; i++) {
      assertEquals(0, run("post", "%02d-".formatted(i).repeat(2000)).exit()); // 30 posts of 8 KB: 4 segments of 64 KiB
    }
    Path out = home.resolve("export");
    assertEquals(0, run("export-torrent", out.toString()).exit());
    var torrent = new bt.metainfo.MetadataService().fromByteArray(Files.readAllBytes(out.resolve("feed.torrent")));
    int pieceSize = (int) torrent.getChunkSize();
    java.util.List<byte[]> hashes = new java.util.ArrayList<>();
    torrent.getChunkHashes().forEach(hashes::add);
    java.util.List<bt.metainfo.TorrentFile> files = torrent.getFiles();
    assertTrue(files.size() >= 3, "more than one piece: " + files.size());
    assertEquals(files.size(), hashes.size(), "one file per piece");

    java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < files.size(); i++) {
      Path file = out.resolve(torrent.getName());
      for (String element : files.get(i).getPathElements()) {
        file = file.resolve(element);
      }
      byte[] bytes = Files.readAllBytes(file);
      assertEquals(files.get(i).getSize(), bytes.length, file + " has the length the torrent says");
      if (i < files.size() - 1) {
        assertEquals(pieceSize, bytes.length, "a non-last file is padded to the piece size");
      }
      content.write(bytes);
    }
    byte[] all = content.toByteArray();
    for (int i = 0; i < hashes.size(); i++) {
      byte[] piece = java.util.Arrays.copyOfRange(all, i * pieceSize, Math.min(all.length, (i + 1) * pieceSize));
      assertArrayEquals(hashes.get(i), java.security.MessageDigest.getInstance("SHA-1").digest(piece), "piece " + i);
    }
  }

  @Test
  void charkhaHomeSelectsTheDataDirectoryAndHomeFlagWinsOverIt() throws Exception {
    Path fromEnv = home.resolve("from-env");
    Path fromFlag = home.resolve("from-flag");
    java.util.function.UnaryOperator<String> env = name -> name.equals("CHARKHA_HOME") ? fromEnv.toString() : null;
    CommandLine init = Cli.commandLine(env);
    init.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(0, init.execute("init"));
    assertTrue(Files.exists(fromEnv.resolve("identity.key")), "CHARKHA_HOME chose the directory");

    CommandLine flagged = Cli.commandLine(env);
    flagged.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(0, flagged.execute("--home", fromFlag.toString(), "init"));
    assertTrue(Files.exists(fromFlag.resolve("identity.key")), "--home wins over CHARKHA_HOME");
    assertFalse(Files.exists(home.resolve("identity.key")));
  }

  @Test
  void badInputGivesAClearMessageAndExitCodeTwo() {
    run("init");
    Result badRef = run("comment", "not-a-ref", "x");
    assertEquals(2, badRef.exit());
    assertTrue(badRef.err().contains("reference looks like"), badRef.err());
    Result badLink = run("follow", "magnet:?xt=urn:btih:abcd");
    assertEquals(2, badLink.exit());
    assertTrue(badLink.err().contains("urn:btpk"), badLink.err());
    Result editMissing = run("edit", "9", "x");
    assertEquals(2, editMissing.exit());
    assertTrue(editMissing.err().contains("does not exist"), editMissing.err());
  }

  @Test
  void everySubcommandPrintsItsUsageForHelpAndExitsZero() {
    java.util.List<String> checked = new java.util.ArrayList<>();
    checkHelp(Cli.commandLine(), new java.util.ArrayList<>(), checked);
    assertTrue(checked.size() > 20, "walked the whole tree: " + checked);
  }

  private void checkHelp(CommandLine command, java.util.List<String> path, java.util.List<String> checked) {
    for (var sub : command.getSubcommands().entrySet()) {
      if (!sub.getKey().equals(sub.getValue().getCommandName())) {
        continue; // an alias
      }
      java.util.List<String> subPath = new java.util.ArrayList<>(path);
      subPath.add(sub.getKey());
      for (String flag : new String[] {"--help", "-h"}) {
        java.util.List<String> args = new java.util.ArrayList<>(subPath);
        args.add(flag);
        Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), args + ": " + r.err());
        assertTrue(r.out().contains("Usage:"), args + ": " + r.out());
      }
      checked.add(String.join(" ", subPath));
      checkHelp(sub.getValue(), subPath, checked);
    }
  }

  /** The two links note 0001 gives as parsing to the salted example feed. */
  private static final String NOTE_0001_SHOUTED_LINK =
      "  MAGNET:?dn=Alice&S=6E&xs=urn%3Abtpk%3A79B5562E8FE654F94078B112E8A98BA7901F853AE695BED7E0E3910BAD049664 ";
  private static final String NOTE_0001_TRACKER_LINK = "magnet:?tr=udp%3A%2F%2Ftracker.example%3A80"
      + "&xs=urn:btpk:79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664&s=6e";
  private static final String NOTE_0001_FEED = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664:6e";

  @Test
  void theExampleLinksOfNote0001WorkInEveryCommandThatTakesALink() throws Exception {
    run("init");
    Result follow = run("follow", NOTE_0001_SHOUTED_LINK);
    assertEquals(0, follow.exit(), follow.err());
    assertEquals("Already following " + NOTE_0001_FEED, run("follow", NOTE_0001_TRACKER_LINK).out().strip());
    for (String link : new String[] {NOTE_0001_SHOUTED_LINK, NOTE_0001_TRACKER_LINK}) {
      Result log = run("log", link);
      assertTrue(log.err().contains("no stored copy of feed"), "parsed, then found not held: " + log.err());
      assertEquals(0, run("timeline", "--feed", link).exit());
      assertEquals(0, run("following", link).exit());
      assertEquals(0, run("followers", link).exit());
    }
    Result unfollow = run("unfollow", NOTE_0001_TRACKER_LINK);
    assertEquals(0, unfollow.exit(), unfollow.err());
    JsonNode entries = json.readTree(run("log", "--json").out()).get("entries");
    assertEquals(NOTE_0001_FEED, entries.get(0).get("feed").asText());
  }

  @Test
  void aWebAddressIsRejectedAsNotAFeedLink() {
    run("init");
    Result r = run("follow", "https://example.org/alice");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("not a feed link") && r.err().contains("'https:'"), r.err());
  }

  @Test
  void anEntryNumberTooLargeForALongGetsAClearMessage() {
    run("init");
    run("post", "one");
    Result r = run("edit", "99999999999999999999", "x");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("entry number 99999999999999999999 is too large"), r.err());
  }

  @Test
  void initRejectsAnEmptyName() {
    Result r = run("init", "--name", " ");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--name is empty"), r.err());
    assertFalse(Files.exists(home.resolve("identity.key")) || Files.exists(home.resolve("feeds")), "nothing created");
  }

  @Test
  void anEmptyHomeIsRejectedRatherThanFallingBackToTheDefault() {
    CommandLine cl = Cli.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    assertEquals(2, cl.execute("--home", "", "link"));
    assertTrue(err.toString().contains("--home is empty"), err.toString());
  }

  @Test
  void reindexReportsItsCountsAsJson() throws Exception {
    run("init", "--name", "Asha");
    run("post", "one");
    JsonNode report = json.readTree(run("reindex", "--json").out());
    assertEquals(2, report.get("entries").asLong());
    assertEquals(1, report.get("feeds").asInt());
  }

  @Test
  void commentsAndReactionsMustAnswerAnExistingPostOrCommentOfAHeldFeed() throws Exception {
    run("init");
    String post = run("post", "a post").lastWord();
    String reaction = run("react", post, "🙏").lastWord();
    String deleted = run("post", "soon gone").lastWord();
    run("delete", deleted);
    String profile = run("profile", "--bio", "spins").lastWord();
    long before = json.readTree(run("log", "--json").out()).get("entries").size();

    for (String[] bad : new String[][] {
        {"comment", "99", "hi"}, {"react", "99", "x"},
        {"comment", reaction, "hi"}, {"react", reaction, "x"},
        {"comment", profile, "hi"}, {"comment", deleted, "hi"}, {"react", deleted, "x"}}) {
      Result r = run(bad);
      assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.out());
      assertTrue(r.err().contains("does not exist") || r.err().contains("only posts and comments")
          || r.err().contains("was deleted"), r.err());
    }
    assertEquals(before, json.readTree(run("log", "--json").out()).get("entries").size(), "nothing published");

    String comment = run("comment", post, "fine").lastWord();
    assertTrue(run("comment", comment, "a reply to a reply").lastWord().endsWith("/" + (before + 1)));
    String unheld = "ef".repeat(32) + "/7";
    assertEquals(0, run("comment", unheld, "a feed not held cannot be checked").exit());
    assertEquals(0, run("react", unheld, "🙏").exit());
  }

  @Test
  void hostileTextReachesNoTerminalRaw() {
    String hostile = TerminalTextTest.HOSTILE;
    run("init", "--name", "Mallory" + hostile);
    String post = run("post", "spinning " + hostile).lastWord();
    run("comment", post, "reply " + hostile);
    run("react", post, "\u001b[2J");
    for (String[] read : new String[][] {{"timeline"}, {"thread", post}, {"search", "spinning"}, {"log"}}) {
      Result r = run(read);
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.out().contains("\\x1b[2J"), String.join(" ", read) + " shows the escape visibly: " + r.out());
      TerminalTextTest.assertTerminalSafe(r.out());
    }
    Result bad = run("follow", "magnet:?xs=urn:btpk:" + "\u001b]0;x\u0007");
    assertEquals(2, bad.exit());
    TerminalTextTest.assertTerminalSafe(bad.err());
  }

  @Test
  void commandsBeforeInitSayWhatToDo() {
    Result r = run("post", "too early");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("charkha init"), r.err());
    assertFalse(Files.exists(home.resolve("feeds")));
  }

  @Test
  void followAndUnfollowAreEntriesOfTheOwnFeed() throws Exception {
    run("init");
    String other = "magnet:?dn=Bo&xs=urn:btpk:" + "AB".repeat(32);
    Result f = run("follow", other);
    assertEquals(0, f.exit(), f.err());
    assertEquals("Already following " + "ab".repeat(32), run("follow", other).out().strip());
    assertEquals(0, run("unfollow", other).exit());
    assertEquals(2, run("unfollow", other).exit());
    JsonNode entries = json.readTree(run("log", "--json").out()).get("entries");
    assertEquals("follow", entries.get(0).get("type").asText());
    assertEquals("unfollow", entries.get(1).get("type").asText());
  }

  @Test
  void exportAndImportContinueTheSameFeedOnAnotherMachine() throws Exception {
    run("init", "--name", "Asha");
    String ref = run("post", "before the move").lastWord();
    Path export = home.resolve("../export-" + System.nanoTime()).normalize();
    assertEquals(0, run("export", export.toString()).exit());
    Path newHome = home.resolve("../newhome-" + System.nanoTime()).normalize();
    CommandLine cl = Cli.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(0, cl.execute("--home", newHome.toString(), "import", export.toString()));
    CommandLine post = Cli.commandLine();
    StringWriter out = new StringWriter();
    post.setOut(new PrintWriter(out, true));
    assertEquals(0, post.execute("--home", newHome.toString(), "post", "after the move"));
    String[] words = out.toString().strip().split("\\s+");
    assertEquals(ref.replace("/1", "/2"), words[words.length - 1], "the feed continues at the next seq");
    CommandLine item = Cli.commandLine();
    StringWriter itemOut = new StringWriter();
    item.setOut(new PrintWriter(itemOut, true));
    item.execute("--home", newHome.toString(), "item", "--json");
    assertEquals(3, json.readTree(itemOut.toString()).get("seq").asLong(), "seq keeps increasing, no fork");
  }

  @Test
  void aThreadShowsEveryVersionOfAnEditedPost() throws Exception {
    run("init", "--name", "Asha");
    String ref = run("post", "first draft").lastWord();
    run("edit", ref, "second draft");
    run("edit", ref, "final text");
    JsonNode root = json.readTree(run("thread", ref, "--json").out()).get("root");
    assertEquals("final text", root.get("text").asText());
    JsonNode history = root.get("history");
    assertEquals(3, history.size());
    assertEquals("first draft", history.get(0).get("text").asText());
    assertEquals(ref, history.get(0).get("ref").asText());
    assertEquals("second draft", history.get(1).get("text").asText());
    assertEquals("final text", history.get(2).get("text").asText());
  }

  @Test
  void searchFindsAPersonByAWordInTheirBio() throws Exception {
    run("init", "--name", "Asha");
    run("profile", "--bio", "I spin khadi on a peti charkha");
    Result text = run("search", "peti");
    assertEquals(0, text.exit());
    assertFalse(text.out().contains("No matches"), text.out());
    assertTrue(text.out().contains("People:") && text.out().contains("Asha"), text.out());

    JsonNode found = json.readTree(run("search", "peti", "--json").out());
    assertEquals(1, found.get("people").size());
    assertEquals("Asha", found.get("people").get(0).get("name").asText());
    assertEquals(0, found.get("posts").size());
  }

  @Test
  void offlineReadsShowTimelineThreadSearchAndFollows() throws Exception {
    run("init", "--name", "Asha");
    run("post", "the first spinning post");
    String second = run("post", "weaving cloth at home").lastWord();
    run("comment", second, "a reply in the thread");
    run("react", second, "🙏");
    String other = "magnet:?xs=urn:btpk:" + "cd".repeat(32);
    run("follow", other);

    JsonNode timeline = json.readTree(run("timeline", "--json").out());
    assertEquals(2, timeline.get("items").size(), "posts only, newest first");
    assertEquals("weaving cloth at home", timeline.get("items").get(0).get("text").asText());
    assertEquals(1, timeline.get("items").get(0).get("reactions").get("🙏").asInt());

    JsonNode thread = json.readTree(run("thread", second, "--json").out());
    assertEquals("a reply in the thread", thread.get("replies").get(0).get("post").get("text").asText());

    JsonNode hits = json.readTree(run("search", "cloth", "--json").out()).get("posts");
    assertEquals(1, hits.size());
    assertEquals(second, hits.get(0).get("ref").asText());

    JsonNode following = json.readTree(run("following", "--json").out());
    assertEquals("cd".repeat(32), following.get(0).get("feed").asText());
    assertTrue(run("timeline").out().contains("weaving cloth at home"));
    assertEquals(0, run("reindex").exit());
    assertEquals(2, json.readTree(run("timeline", "--json").out()).get("items").size(), "reindex rebuilds the same view");
  }

  @Test
  void offlineStatusListsFollowedFeedsWithTheirHeldSeqAndSaysTheNodeIsNotRunning() throws Exception {
    DataDir aliceData = DataDir.open(home.resolveSibling(home.getFileName() + "-alice"));
    aliceData.initialize();
    OwnFeed alice = OwnFeed.open(aliceData);
    alice.append(new Content.Profile(Optional.of("Alice"), Optional.empty()));
    alice.append(new Content.Post("hello from Alice"));
    MutableItem aliceItem = alice.currentItem().orElseThrow();
    run("init");
    run("follow", alice.feed().toString());
    DataDir.open(home).feed(alice.feed()).writeVersion(aliceItem.seq(), alice.log(), aliceItem);

    JsonNode status = json.readTree(run("status", "--json").out());
    assertFalse(status.get("running").asBoolean(), status.toString());
    assertEquals(1, status.get("feeds").size(), status.toString());
    assertEquals(alice.feed().toString(), status.get("feeds").get(0).get("feed").asText());
    assertEquals(aliceItem.seq(), status.get("feeds").get(0).get("heldSeq").asLong());
    String text = run("status").out();
    assertTrue(text.contains("node not running"), text);
    assertTrue(text.contains("following 1"), text);
    assertTrue(text.contains("held " + aliceItem.seq()), text);
  }

  @Test
  void importingAnArchiveTwiceAddsItsPostsOnce() throws Exception {
    run("init", "--name", "Asha");
    Path outbox = home.resolve("outbox.json");
    try (var in = getClass().getResourceAsStream("/archives/outbox.json")) {
      Files.copy(in, outbox);
    }
    JsonNode first = json.readTree(run("import-archive", outbox.toString(), "--json").out());
    JsonNode second = json.readTree(run("import-archive", outbox.toString(), "--json").out());

    assertEquals(0, second.get("imported").asInt());
    assertEquals(first.get("imported").asInt(), second.get("skipped").get("already imported").asInt());
    assertEquals(1, first.get("skipped").get("direct message").asInt());
    assertEquals(first.get("imported").asInt() + 1, json.readTree(run("log", "--json").out()).get("entries").size(),
        "the profile entry from init and one entry per imported post");
  }
}
