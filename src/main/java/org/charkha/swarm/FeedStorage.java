package org.charkha.swarm;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.data.file.FileSystemStorage;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import java.nio.file.Path;

/**
 * Files of a feed torrent at {@code root/<torrent name>/NNNNNNNN.seg}, also when the torrent has
 * a single segment: bt's FileSystemStorage puts the only file of a one-file multi-file torrent
 * straight into the root, which BEP 3 and other clients do not.
 */
final class FeedStorage implements Storage {
  private final FileSystemStorage multi;
  private final FileSystemStorage single;

  FeedStorage(Path root, String torrentName, int maxOpenFiles) {
    this.multi = new FileSystemStorage(root, maxOpenFiles);
    this.single = new FileSystemStorage(root.resolve(torrentName), 2); // bt evicts at size >= max: 1 would close at once
  }

  @Override
  public StorageUnit getUnit(Torrent torrent, TorrentFile file) {
    return (torrent.getFiles().size() == 1 ? single : multi).getUnit(torrent, file);
  }

  @Override
  public void flush() {
    multi.flush();
    single.flush();
  }
}
