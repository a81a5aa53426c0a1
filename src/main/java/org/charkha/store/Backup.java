package org.charkha.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Identity;
import org.charkha.torrent.FeedTorrent;

/**
 * Moving one's data to another machine. An export is a directory any BitTorrent client can also
 * seed from:
 *
 * <pre>
 *   identity.key                       the key file, owner-only
 *   feeds/&lt;feed&gt;/feed.torrent          each held feed's current version...
 *   feeds/&lt;feed&gt;/&lt;torrent name&gt;/...   ...with its segment files
 *   feeds/&lt;feed&gt;/item                  and its signed BEP 44 item
 * </pre>
 *
 * Import verifies every feed before storing it and keeps each feed's seq, so the identity continues
 * its feed on the new machine with the next seq instead of forking it.
 */
public final class Backup {
  private Backup() {}

  public static int export(DataDir data, Path out) throws IOException, FeedVerificationException {
    Files.createDirectories(out.resolve("feeds"));
    Path key = out.resolve("identity.key");
    Files.deleteIfExists(key);
    Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(key, Files.readAllBytes(data.keyFile()));
    int count = 0;
    for (FeedId feed : data.storedFeeds()) {
      FeedStore store = data.feed(feed);
      Optional<FeedLog> log = store.load();
      if (log.isEmpty()) {
        continue;
      }
      Path dir = out.resolve("feeds").resolve(store.dir().getFileName());
      Path content = dir.resolve(FeedTorrent.name(feed));
      Files.createDirectories(content);
      List<byte[]> pieces = log.get().pieces();
      for (int i = 0; i < pieces.size(); i++) {
        Files.write(content.resolve(FeedTorrent.fileName(i)), pieces.get(i));
      }
      Files.write(dir.resolve("feed.torrent"), FeedTorrent.of(log.get()).metainfo());
      Optional<MutableItem> item = store.readItem();
      if (item.isPresent()) {
        new FeedStore(feed, dir).writeItem(item.get()); // no versions there: the item sits beside the content
      }
      count++;
    }
    return count;
  }

  /** Restores an export into an empty data directory (or one holding the same key). */
  public static List<FeedId> restore(DataDir data, Path in) throws IOException, FeedVerificationException {
    DataDir source = DataDir.open(in);
    Identity identity = source.identity();
    if (data.isInitialized()) {
      if (!Arrays.equals(data.identity().publicKey(), identity.publicKey())) {
        throw new IllegalArgumentException(data.home() + " already holds a different identity; import into an empty directory");
      }
    } else {
      data.adoptKeyFile(source); // an encrypted key stays encrypted on the new machine
    }
    List<FeedId> restored = new ArrayList<>();
    try (DataDir.WriteLock lock = data.lock()) {
      for (FeedId feed : source.storedFeeds()) {
        FeedStore from = source.feed(feed);
        FeedStore to = data.feed(feed);
        List<byte[]> pieces = FeedStore.readTorrentLayout(feed, from.dir());
        FeedLog log = FeedVerifier.verify(feed, pieces);
        MutableItem item = from.readItem().orElse(null);
        long version = item != null ? item.seq() : 1;
        if (to.exists() && to.currentVersion().getAsLong() >= version) {
          continue; // already as new here
        }
        boolean itemNamesLog = item != null && Arrays.equals(item.infohash(), FeedTorrent.of(log).infohash());
        to.writeVersion(version, log, itemNamesLog ? item : null);
        to.prune();
        restored.add(feed);
      }
    }
    return restored;
  }
}
