package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Optional;
import org.charkha.feed.Content;
import org.charkha.feed.Entry;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Identity;
import org.charkha.feed.TestFeeds;

/**
 * Whatever the owner can append, every follower can verify and read back as written. Random bytes
 * never get past the verifier's signature check; a log the owner signs does, so this target drives
 * the chain, Merkle and segment-packing paths with fuzzed text, timestamps and references.
 */
class FeedWriterFuzzTest {
  private static final Identity ALICE = TestFeeds.alice();
  private static final FeedId BOB = TestFeeds.bob().feed();

  @FuzzTest
  void whatTheOwnerAppendsAFollowerVerifiesAsWritten(FuzzedDataProvider data) throws Exception {
    FeedLog log = FeedLog.empty(ALICE.feed());
    int count = data.consumeInt(1, 40);
    for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
      long ts = data.consumeLong();
      Content content;
      try {
        content = content(data, log.size());
        log.append(ALICE, content, ts);
      } catch (IllegalArgumentException refused) {
        // the writer refuses content or a timestamp with a reason: fine, nothing was appended
        if (refused.getMessage() == null) {
          throw refused;
        }
      }
    }
    if (log.isEmpty()) {
      return;
    }
    FeedLog read = FeedVerifier.verify(ALICE.feed(), log.pieces());
    List<Entry> written = log.entries();
    List<Entry> got = read.entries();
    assertEquals(written.size(), got.size());
    for (int i = 0; i < written.size(); i++) {
      assertEquals(written.get(i).content(), got.get(i).content(), "entry " + i);
      assertEquals(written.get(i).timestamp(), got.get(i).timestamp(), "entry " + i);
    }
  }

  private static Content content(FuzzedDataProvider data, long size) {
    EntryRef ref = EntryRef.of(data.consumeBoolean() ? BOB : ALICE.feed(), data.consumeLong(0, Math.max(0, size + 2)));
    return switch (data.consumeInt(0, 7)) {
      case 0 -> new Content.Post(data.consumeString(9000));
      case 1 -> new Content.Comment(ref, data.consumeString(300));
      case 2 -> new Content.Edit(data.consumeLong(0, size + 2), data.consumeString(300));
      case 3 -> new Content.Delete(data.consumeLong(0, size + 2));
      case 4 -> new Content.Reaction(ref, data.consumeString(70));
      case 5 -> new Content.Follow(BOB);
      case 6 -> new Content.Unfollow(BOB);
      default -> new Content.Profile(
          data.consumeBoolean() ? Optional.of(data.consumeString(300)) : Optional.empty(),
          data.consumeBoolean() ? Optional.of(data.consumeString(300)) : Optional.empty());
    };
  }
}
