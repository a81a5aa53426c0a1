package org.charkha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.charkha.feed.Content;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Identity;
import org.charkha.store.DataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which comments the owner's node carries into its own feed (0009 §4). */
class RelayerTest {
  @TempDir Path tmp;

  @Test
  void aCommentPinningAnotherEntryAtTheSeqOfAnOwnPostIsNotCarried() throws Exception {
    DataDir data = DataDir.open(tmp.resolve("owner"));
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    own.append(new Content.Post("my post"));
    byte[] postHash = own.log().entry(0).hash();
    byte[] otherHash = postHash.clone();
    otherHash[0] ^= 1;

    Identity commenter = Identity.generate();
    FeedLog theirs = FeedLog.empty(commenter.feed());
    theirs.appendAll(commenter, List.of(
        new Content.Comment(EntryRef.of(own.feed(), 0, otherHash), "about some other entry 0"),
        new Content.Comment(EntryRef.of(own.feed(), 0, postHash), "about my post"),
        new Content.Comment(EntryRef.of(own.feed(), 0), "unpinned, about my post")),
        List.of(1L, 2L, 3L));
    byte[] carriedHash = theirs.entry(1).hash();
    byte[] notCarriedHash = carriedHash.clone();
    notCarriedHash[0] ^= 1;
    theirs.appendAll(commenter, List.of(
        new Content.Comment(EntryRef.of(commenter.feed(), 1, notCarriedHash), "pins another entry 1"),
        new Content.Comment(EntryRef.of(commenter.feed(), 1, carriedHash), "on the carried comment")),
        List.of(4L, 5L));

    assertTrue(new Relayer(own).onVerified(commenter.feed(), theirs.entries(), theirs));

    List<Long> carried = own.log().entries().stream()
        .filter(e -> e.content() instanceof Content.Relay)
        .map(e -> ((Content.Relay) e.content()).proof().entry().seq())
        .toList();
    assertEquals(List.of(1L, 2L, 4L), carried, "only comments on the entries they pin");
    assertFalse(carried.contains(0L));
  }

}
