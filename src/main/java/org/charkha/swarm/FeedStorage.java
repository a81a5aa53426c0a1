package org.charkha.swarm;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.data.file.FileSystemStorage;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.net.buffer.ByteBufferView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Files of a feed torrent at {@code root/<torrent name>/NNNNNNNN.seg}, also when the torrent has
 * a single segment: bt's FileSystemStorage puts the only file of a one-file multi-file torrent
 * straight into the root, which BEP 3 and other clients do not.
 */
final class FeedStorage implements Storage {
  private final FileSystemStorage multi;
  private final FileSystemStorage single;
  private final Path torrentDir;

  FeedStorage(Path root, String torrentName, int maxOpenFiles) {
    this.torrentDir = root.resolve(torrentName);
    this.multi = new FileSystemStorage(root, maxOpenFiles);
    this.single = new FileSystemStorage(root.resolve(torrentName), 2); // bt evicts at size >= max: 1 would close at once
  }

  @Override
  public StorageUnit getUnit(Torrent torrent, TorrentFile file) {
    StorageUnit unit = (torrent.getFiles().size() == 1 ? single : multi).getUnit(torrent, file);
    Path path = torrentDir;
    for (String element : file.getPathElements()) {
      path = path.resolve(element); // feed torrents' names are plain ASCII: bt's normalizing keeps them
    }
    return new SegmentUnit(unit, path);
  }

  /** bt's file unit, which does not say what file it is; {@link KnownFilesChunkVerifier} needs to. */
  static final class SegmentUnit implements StorageUnit {
    private final StorageUnit unit;
    private final Path file;

    SegmentUnit(StorageUnit unit, Path file) {
      this.unit = unit;
      this.file = file;
    }

    Path file() {
      return file;
    }

    @Override
    public int readBlock(ByteBuffer buffer, long offset) {
      return unit.readBlock(buffer, offset);
    }

    @Override
    public void readBlockFully(ByteBuffer buffer, long offset) {
      unit.readBlockFully(buffer, offset);
    }

    @Override
    public int writeBlock(ByteBuffer buffer, long offset) {
      return unit.writeBlock(buffer, offset);
    }

    @Override
    public void writeBlockFully(ByteBuffer buffer, long offset) {
      unit.writeBlockFully(buffer, offset);
    }

    @Override
    public int writeBlock(ByteBufferView buffer, long offset) {
      return unit.writeBlock(buffer, offset);
    }

    @Override
    public void writeBlockFully(ByteBufferView buffer, long offset) {
      unit.writeBlockFully(buffer, offset);
    }

    @Override
    public long capacity() {
      return unit.capacity();
    }

    @Override
    public long size() {
      return unit.size();
    }

    @Override
    public void close() throws IOException {
      unit.close();
    }

    @Override
    public String toString() {
      return unit.toString();
    }
  }

  @Override
  public void flush() {
    multi.flush();
    single.flush();
  }
}
