package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.Identity;
import org.junit.jupiter.api.Test;

class ItemMessageTest {
  private final Identity author = Identity.generate();

  @Test
  void roundTripsWithAndWithoutSalt() {
    MutableItem plain = MutableItem.signInfohash(author, author.feed(), 3, new byte[20]);
    assertEquals(plain, ItemMessage.decode(ItemMessage.encode(plain)));
    FeedId salted = FeedId.of(author.publicKey(), new byte[] {'n'});
    MutableItem withSalt = MutableItem.signInfohash(author, salted, 4, new byte[20]);
    assertEquals(withSalt, ItemMessage.decode(ItemMessage.encode(withSalt)));
  }

  @Test
  void rejectsATamperedSeqOrValue() {
    byte[] msg = ItemMessage.encode(MutableItem.signInfohash(author, author.feed(), 3, new byte[20]));
    String s = new String(msg, java.nio.charset.StandardCharsets.ISO_8859_1).replace("3:seqi3e", "3:seqi9e");
    var e = assertThrows(IllegalArgumentException.class,
        () -> ItemMessage.decode(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    assertEquals(true, e.getMessage().contains("signature does not verify"), e.getMessage());
    byte[] flipped = msg.clone();
    flipped[flipped.length - 3] ^= 1; // inside the infohash
    assertThrows(IllegalArgumentException.class, () -> ItemMessage.decode(flipped));
  }

  @Test
  void rejectsGarbageAndOversizeWithoutOtherExceptions() {
    assertThrows(IllegalArgumentException.class, () -> ItemMessage.decode(new byte[] {'d', '9', '9', '9', '9'}));
    assertThrows(IllegalArgumentException.class, () -> ItemMessage.decode(new byte[ItemMessage.MAX_SIZE + 1]));
    java.util.Random rnd = new java.util.Random(7);
    byte[] valid = ItemMessage.encode(MutableItem.signInfohash(author, author.feed(), 3, new byte[20]));
    for (int i = 0; i < 2000; i++) {
      byte[] m = valid.clone();
      m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
      try {
        ItemMessage.decode(m);
      } catch (IllegalArgumentException expected) {
        // the only acceptable failure
      }
    }
  }
}
