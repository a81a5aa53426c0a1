package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.Identity;
import org.charkha.feed.TestFeeds;

/**
 * A BEP 44 item from a DHT node. {@code verified} must refuse anything unsigned; for a value the
 * owner did sign (any bytes, fuzzed), every accessor must still behave.
 */
class MutableItemFuzzTest {
  private static final Identity ALICE = TestFeeds.alice();

  @FuzzTest
  void verifiedRefusesOrYieldsAUsableItem(long seq, byte @NotNull [] salt, byte @NotNull [] value,
      byte @NotNull [] signature, boolean signIt) throws Exception {
    Expected.onlyThrows(() -> {
      FeedId feed = FeedId.of(ALICE.publicKey(), salt);
      MutableItem item = signIt
          ? MutableItem.verified(feed, seq, value, MutableItem.sign(ALICE, feed, seq, value).signature())
          : MutableItem.verified(feed, seq, value, signature);
      assertEquals(seq, item.seq());
      Expected.onlyThrows(() -> assertEquals(20, item.infohash().length), IllegalArgumentException.class);
      item.toJsonFields();
    }, IllegalArgumentException.class);
  }
}
