package org.charkha.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.charkha.feed.EntryRef;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLink;

/**
 * Follow links, references and feed ids are typed or pasted by a user or arrive in a web request.
 * The first byte picks the parser, the rest is the text.
 */
class LinkParsersFuzzTest {
  @FuzzTest
  void parsersAcceptOrExplain(byte[] data) throws Exception {
    if (data.length == 0) {
      return;
    }
    String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
    Expected.onlyThrows(() -> {
      switch (Math.floorMod(data[0], 3)) {
        case 0 -> {
          FeedLink link = FeedLink.parse(text);
          assertEquals(link.feed(), FeedLink.parse(link.toString()).feed());
        }
        case 1 -> {
          EntryRef ref = EntryRef.parse(text);
          assertEquals(ref, EntryRef.parse(ref.toString()));
        }
        default -> {
          FeedId id = FeedId.parse(text);
          assertEquals(id, FeedId.parse(id.toString()));
        }
      }
    }, IllegalArgumentException.class);
  }
}
