package org.charkha.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLink;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.feed.TestFeeds;
import org.charkha.store.DataDir;
import org.charkha.store.FeedStore;
import org.charkha.swarm.ItemMessage;
import org.charkha.torrent.FeedTorrent;

/**
 * Writes the seed corpora of the fuzz tests: valid inputs, so the fuzzer starts from the real
 * formats instead of guessing them. Run from the repo root after changing a format:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.charkha.fuzz.SeedCorpus}.
 */
public final class SeedCorpus {
  private static final Path ROOT = Path.of("src/test/resources/org/charkha/fuzz");

  private SeedCorpus() {}

  public static void main(String[] args) throws IOException {
    Identity alice = TestFeeds.alice();
    FeedId feed = alice.feed();
    FeedLog log = FeedLog.empty(feed);
    EntryRef elsewhere = EntryRef.of(TestFeeds.bob().feed(), 3);
    log.append(alice, new Content.Profile(Optional.of("Asha"), Optional.of("spinner")), TestFeeds.T0);
    log.append(alice, new Content.Post("hello, world"), TestFeeds.T0 + 1000);
    log.append(alice, new Content.Comment(elsewhere, "nice"), TestFeeds.T0 + 2000);
    log.append(alice, new Content.Reaction(elsewhere, "🙏"), TestFeeds.T0 + 3000);
    log.append(alice, new Content.Edit(1, "hello, edited"), TestFeeds.T0 + 4000);
    log.append(alice, new Content.Follow(TestFeeds.bob().feed()), TestFeeds.T0 + 5000);
    log.append(alice, new Content.Unfollow(TestFeeds.bob().feed()), TestFeeds.T0 + 6000);
    log.append(alice, new Content.Delete(2), TestFeeds.T0 + 7000);
    FeedLog big = TestFeeds.withSegments(alice, 2);

    write("FeedVerifierFuzzTest", "verifyAcceptsOnlyASignedChain", "one-segment", concat(log.pieces()));
    write("FeedVerifierFuzzTest", "verifyAcceptsOnlyASignedChain", "two-segments", concat(big.pieces()));
    write("FeedVerifierFuzzTest", "verifyAcceptsOnlyASignedChain", "one-post",
        concat(TestFeeds.posts(alice, 1, 20).pieces()));

    write("EntryProofFuzzTest", "decodeVerifiesOrRefuses", "post", log.prove(1).encode());
    write("EntryProofFuzzTest", "decodeVerifiesOrRefuses", "comment", log.prove(2).encode());
    write("EntryProofFuzzTest", "decodeVerifiesOrRefuses", "in-big-segment", big.prove(5).encode());

    write("FeedTorrentFuzzTest", "parseInfoAcceptsOnlyTheFeedLayout", "one-file", FeedTorrent.of(log).infoDict());
    write("FeedTorrentFuzzTest", "parseInfoAcceptsOnlyTheFeedLayout", "two-files", FeedTorrent.of(big).infoDict());

    MutableItem item = MutableItem.signInfohash(alice, feed, 7, FeedTorrent.of(log).infohash());
    FeedId salted = FeedId.of(alice.publicKey(), "blog".getBytes(StandardCharsets.UTF_8));
    MutableItem saltedItem = MutableItem.signInfohash(alice, salted, 1, FeedTorrent.of(big).infohash());
    write("ItemMessageFuzzTest", "decodeVerifiesOrRefuses", "item", ItemMessage.encode(item));
    write("ItemMessageFuzzTest", "decodeVerifiesOrRefuses", "salted", ItemMessage.encode(saltedItem));

    write("BencodeFuzzTest", "decodeAcceptsOnlyCanonicalBytes", "item", ItemMessage.encode(item));
    write("BencodeFuzzTest", "decodeAcceptsOnlyCanonicalBytes", "info", FeedTorrent.of(log).infoDict());
    write("BencodeFuzzTest", "decodeAcceptsOnlyCanonicalBytes", "proof", log.prove(2).encode());
    write("BencodeFuzzTest", "decodeAcceptsOnlyCanonicalBytes", "nested", ascii("d1:ald1:bi-42eee1:c0:e"));

    write("LinkParsersFuzzTest", "parsersAcceptOrExplain", "link",
        ascii("\0" + new FeedLink(salted, Optional.of("Asha Rao")).toString()));
    write("LinkParsersFuzzTest", "parsersAcceptOrExplain", "ref", ascii("\1" + EntryRef.of(salted, 12)));
    write("LinkParsersFuzzTest", "parsersAcceptOrExplain", "feed", ascii("\2" + feed));

    Path archives = Path.of("src/test/resources/archives");
    write("ArchiveReaderFuzzTest", "readsOrExplains", "outbox", Files.readAllBytes(archives.resolve("outbox.json")));
    write("ArchiveReaderFuzzTest", "readsOrExplains", "tweets", Files.readAllBytes(archives.resolve("tweets.js")));

    Path home = Files.createTempDirectory("charkha-seeds");
    FeedStore store = DataDir.open(home).feed(feed);
    store.writeItem(item);
    write("FeedStoreItemFuzzTest", "readItemReturnsTheItemOrExplains", "item", Files.readAllBytes(store.dir().resolve("item")));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(List<byte[]> pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pieces.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static void write(String fuzzTest, String method, String name, byte[] bytes) throws IOException {
    Path dir = ROOT.resolve(fuzzTest + "Inputs").resolve(method);
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), bytes);
  }
}
