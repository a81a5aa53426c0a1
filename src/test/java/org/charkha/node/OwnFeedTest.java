package org.charkha.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.charkha.dht.MutableItem;
import org.charkha.feed.Content;
import org.charkha.store.DataDir;
import org.charkha.torrent.FeedTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnFeedTest {
  @TempDir Path home;

  @Test
  void everyAppendPublishesTheNextSeqPointingAtTheNewTorrent() throws Exception {
    DataDir data = DataDir.open(home);
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    OwnFeed.Published first = own.append(new Content.Post("one"));
    OwnFeed.Published second = own.append(new Content.Post("two"));
    assertEquals(1, first.item().seq());
    assertEquals(2, second.item().seq());
    assertArrayEquals(second.torrent().infohash(), second.item().infohash());
    assertArrayEquals(FeedTorrent.of(own.log()).infohash(), own.currentItem().orElseThrow().infohash());
  }

  @Test
  void itemLostInACrashIsReSignedForTheStoredVersion() throws Exception {
    DataDir data = DataDir.open(home);
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    own.append(new Content.Post("one"));
    MutableItem before = own.currentItem().orElseThrow();
    // A store from before items moved into versions: a crash after the version switch but before
    // the item write left the older item behind, outside the version.
    own.append(new Content.Post("two"));
    Files.delete(own.store().currentDir().resolve("item"));
    own.store().writeItem(before);
    assertEquals(1, own.store().readItem().orElseThrow().seq());
    MutableItem repaired = own.currentItem().orElseThrow();
    assertEquals(2, repaired.seq());
    assertArrayEquals(FeedTorrent.of(own.log()).infohash(), repaired.infohash());
  }

  @Test
  void cannotEditAnotherEntryTypeOrAMissingEntry() throws Exception {
    DataDir data = DataDir.open(home);
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    own.append(new Content.Profile(java.util.Optional.of("n"), java.util.Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> own.append(new Content.Edit(0, "x")));
    assertThrows(IllegalArgumentException.class, () -> own.append(new Content.Delete(5)));
    assertEquals(1, own.log().size(), "a refused entry leaves the log unchanged");
  }

  @Test
  void followIsCheckedUnderTheWriteLock() throws Exception {
    DataDir data = DataDir.open(home);
    data.initialize();
    OwnFeed own = OwnFeed.open(data);
    org.charkha.feed.FeedId other = org.charkha.feed.FeedId.parse("ab".repeat(32));
    assertThrows(IllegalArgumentException.class, () -> own.follow(own.feed()));
    assertEquals(true, own.follow(other).isPresent());
    assertEquals(true, own.follow(other).isEmpty(), "a second follow adds nothing");
    own.unfollow(other);
    assertThrows(IllegalArgumentException.class, () -> own.unfollow(other));
    assertEquals(2, own.log().size());
  }
}
