package org.charkha.swarm;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.data.file.FileCacheKey;
import bt.data.file.OpenFileCache;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.net.buffer.ByteBufferView;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charkha.store.FeedStore;
import org.charkha.torrent.FeedTorrent;

/**
 * The files of one feed torrent, mapped onto the feed's shared segment files: the torrent's file
 * {@code NNNNNNNN.seg} is {@code segments/NNNNNNNN-<sha1 of piece NNNNNNNN>.seg}
 * ({@link FeedStore#segmentFileName}). A new version therefore finds every piece the feed already
 * has without a file being linked or copied, and a piece bt downloads lands where the next
 * version finds it. Media files (0004 section 2) are not stored: see {@link MediaUnit}.
 */
final class FeedStorage implements Storage {
  private final Path segments;
  private final OpenFileCache files;
  private volatile List<byte[]> pieceHashes; // of the one torrent this storage serves

  FeedStorage(Path segments, int maxOpenFiles) {
    this.segments = segments;
    this.files = new OpenFileCache(maxOpenFiles);
  }

  @Override
  public StorageUnit getUnit(Torrent torrent, TorrentFile file) {
    List<byte[]> hashes = pieceHashes;
    if (hashes == null) {
      hashes = ImmutableList.copyOf(torrent.getChunkHashes());
      pieceHashes = hashes;
    }
    if (FeedBtTorrent.isMedia(file)) {
      return new MediaUnit(file.getSize()); // skipped by the file selector: never read or written
    }
    List<String> path = file.getPathElements();
    int index = path.size() == 1 ? FeedTorrent.fileIndex(path.get(0)) : -1;
    if (index < 0 || index >= hashes.size()) {
      // The metadata's layout was checked before bt gets here (FeedTorrent.parseInfo).
      throw new IllegalArgumentException("not a file of a feed torrent: " + path);
    }
    return new SegmentUnit(files, segments.resolve(FeedStore.segmentFileName(index, hashes.get(index))), file.getSize());
  }

  @Override
  public void flush() {
    files.flush();
  }

  /**
   * A media file of the torrent (0004 section 2), which this version does not store: always
   * empty, so its pieces are missing and never served; bt's file selector keeps them from being
   * requested, and a write would be a bug.
   */
  static final class MediaUnit implements StorageUnit {
    private final long capacity;

    MediaUnit(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public int readBlock(ByteBuffer buffer, long offset) {
      return -1;
    }

    @Override
    public void readBlockFully(ByteBuffer buffer, long offset) {
      throw new IllegalStateException("media files are not stored");
    }

    @Override
    public int writeBlock(ByteBuffer buffer, long offset) {
      throw new IllegalStateException("media files are not stored");
    }

    @Override
    public void writeBlockFully(ByteBuffer buffer, long offset) {
      throw new IllegalStateException("media files are not stored");
    }

    @Override
    public int writeBlock(ByteBufferView buffer, long offset) {
      throw new IllegalStateException("media files are not stored");
    }

    @Override
    public void writeBlockFully(ByteBufferView buffer, long offset) {
      throw new IllegalStateException("media files are not stored");
    }

    @Override
    public long capacity() {
      return capacity;
    }

    @Override
    public long size() {
      return 0;
    }

    @Override
    public void close() {}
  }

  /** One segment file, through bt's cache of open files; says what file it is for {@link KnownFilesChunkVerifier}. */
  static final class SegmentUnit implements StorageUnit {
    private final OpenFileCache files;
    private final FileCacheKey key;
    private final Path file;
    private final long capacity;

    SegmentUnit(OpenFileCache files, Path file, long capacity) {
      this.files = files;
      this.key = new FileCacheKey(file, capacity);
      this.file = file;
      this.capacity = capacity;
    }

    Path file() {
      return file;
    }

    @Override
    public int readBlock(ByteBuffer buffer, long offset) {
      return files.existsOnFileSystem(key) ? files.readBlock(key, buffer, offset) : -1;
    }

    @Override
    public void readBlockFully(ByteBuffer buffer, long offset) {
      files.readBlockFully(key, buffer, offset);
    }

    @Override
    public int writeBlock(ByteBuffer buffer, long offset) {
      return files.writeBlock(key, buffer, offset);
    }

    @Override
    public void writeBlockFully(ByteBuffer buffer, long offset) {
      files.writeBlockFully(key, buffer, offset);
    }

    @Override
    public int writeBlock(ByteBufferView buffer, long offset) {
      return files.writeBlock(key, buffer, offset);
    }

    @Override
    public void writeBlockFully(ByteBufferView buffer, long offset) {
      files.writeBlockFully(key, buffer, offset);
    }

    @Override
    public long capacity() {
      return capacity;
    }

    @Override
    public long size() {
      try {
        return Files.size(file);
      } catch (java.nio.file.NoSuchFileException e) {
        return 0; // not downloaded yet
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the size of " + file, e);
      }
    }

    @Override
    public void close() throws IOException {
      files.close(key);
    }

    @Override
    public String toString() {
      return "(" + capacity + " B) " + file;
    }
  }
}
