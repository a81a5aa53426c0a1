package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.charkha.dht.MutableItem;
import org.charkha.swarm.ItemMessage;

/** The push message (charkha_item over BEP 10) comes from any peer of a feed. */
class ItemMessageFuzzTest {
  @FuzzTest
  void decodeVerifiesOrRefuses(byte[] data) throws Exception {
    Expected.onlyThrows(() -> {
      MutableItem item = ItemMessage.decode(data);
      assertEquals(item, ItemMessage.decode(ItemMessage.encode(item)));
    }, IllegalArgumentException.class);
  }
}
