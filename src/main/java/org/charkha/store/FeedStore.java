package org.charkha.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Segment;
import org.charkha.torrent.FeedTorrent;

/**
 * One feed on disk, kept as whole verified versions so a crash never leaves a mix:
 *
 * <pre>
 *   v&lt;seq&gt;/&lt;torrent name&gt;/00000000.seg ...   a complete version, laid out as its torrent
 *   v&lt;seq&gt;/item                                its signed BEP 44 item (bencoded)
 *   current -> v&lt;seq&gt;                          symlink, swapped atomically by rename
 *   item                                         an item outside any version: an export's, or
 *                                                one stored before items moved into versions
 *   v&lt;seq&gt; above current                        a version being downloaded (not yet verified)
 *   incoming-&lt;seq&gt;/                              the own feed's next version while it is written
 * </pre>
 *
 * A version's item lives inside it, so the one rename that makes a version current makes its item
 * current too: a crash never leaves a version named by another version's item. A new version
 * hard-links every segment file that did not change, so versions share storage and a follower
 * downloads only changed pieces. bt seeds straight from a version directory (it reads only the
 * torrent's own directory in it).
 */
public final class FeedStore {
  private static final String CURRENT = "current";
  private static final String ITEM = "item";
  /** seq, sig and a BEP 44 value of at most 1000 bytes, with framing. */
  private static final int MAX_ITEM_FILE = 2048;

  private final FeedId feed;
  private final Path dir;

  FeedStore(FeedId feed, Path dir) {
    this.feed = feed;
    this.dir = dir;
  }

  public FeedId feed() {
    return feed;
  }

  public Path dir() {
    return dir;
  }

  public boolean exists() {
    return Files.exists(dir.resolve(CURRENT), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** The version number (BEP 44 seq) of the current version, if any. */
  public OptionalLong currentVersion() throws IOException {
    Path link = dir.resolve(CURRENT);
    if (!Files.isSymbolicLink(link)) {
      return OptionalLong.empty();
    }
    String target = Files.readSymbolicLink(link).toString();
    return OptionalLong.of(Long.parseLong(target.substring(1)));
  }

  /** The root that bt seeds from: it holds the directory {@code FeedTorrent.name(feed)}. */
  public Path versionRoot(long version) {
    return dir.resolve("v" + version);
  }

  public Path currentRoot() throws IOException {
    OptionalLong v = currentVersion();
    if (v.isEmpty()) {
      throw new NoSuchFileException(dir.resolve(CURRENT).toString(), null, "feed " + feed.shortName() + " has no stored version");
    }
    return versionRoot(v.getAsLong());
  }

  /** Reads the current version's pieces. */
  public List<byte[]> readPieces() throws IOException {
    return readPieces(currentRoot());
  }

  public List<byte[]> readPieces(Path root) throws IOException {
    Path content = root.resolve(FeedTorrent.name(feed));
    List<byte[]> pieces = new ArrayList<>();
    for (int i = 0; ; i++) {
      Path f = content.resolve(FeedTorrent.fileName(i));
      if (!Files.exists(f)) {
        break;
      }
      if (Files.size(f) > org.charkha.feed.Limits.SEGMENT_SIZE) {
        throw new IOException(f + " is larger than a segment");
      }
      pieces.add(Files.readAllBytes(f));
    }
    return pieces;
  }

  /** Reads segment file {@code i} of the version at {@code root}. */
  public byte[] readPiece(Path root, int i) throws IOException {
    Path f = root.resolve(FeedTorrent.name(feed)).resolve(FeedTorrent.fileName(i));
    if (Files.size(f) > org.charkha.feed.Limits.SEGMENT_SIZE) {
      throw new IOException(f + " is larger than a segment");
    }
    return Files.readAllBytes(f);
  }

  /** Loads and verifies the current version; empty if none is stored. */
  public Optional<FeedLog> load() throws IOException, FeedVerificationException {
    if (currentVersion().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(FeedVerifier.verify(feed, readPieces()));
  }

  /** Writes {@code log} as version {@code version}, without an item, and makes it current. */
  public Path writeVersion(long version, FeedLog log) throws IOException {
    return writeVersion(version, log, null);
  }

  /**
   * Writes {@code log} as version {@code version} with its signed {@code item} (null for none) and
   * makes both current. Unchanged segment files of the current version are hard-linked (known
   * unchanged by {@link VerifiedFiles}, else compared byte for byte), changed ones written and
   * synced, before the switch.
   */
  public Path writeVersion(long version, FeedLog log, MutableItem item) throws IOException {
    List<Segment> segments = log.segments();
    FeedTorrent torrent = FeedTorrent.of(log); // piece hashes: each full segment's is computed once
    VerifiedFiles verified = VerifiedFiles.shared();
    Path staging = dir.resolve("incoming-" + version);
    deleteTree(staging);
    try {
      Path content = staging.resolve(FeedTorrent.name(feed));
      Files.createDirectories(content);
      Path previous = exists() ? currentRoot().resolve(FeedTorrent.name(feed)) : null;
      for (int i = 0; i < segments.size(); i++) {
        Path target = content.resolve(FeedTorrent.fileName(i));
        Path old = previous == null ? null : previous.resolve(FeedTorrent.fileName(i));
        Segment segment = segments.get(i);
        boolean last = i == segments.size() - 1;
        if (old != null && Files.exists(old) && Files.size(old) == torrent.fileLength(i)
            && verified.verify(old, torrent.pieceHash(i),
                () -> Arrays.equals(Files.readAllBytes(old), segment.toPiece(last)))) {
          Files.createLink(target, old);
        } else {
          writeSynced(target, segment.toPiece(last));
          verified.written(target, torrent.pieceHash(i));
        }
      }
      fsyncDirectory(content);
    } catch (IOException e) {
      // A full disk or a read-only directory: free what the half-written staging took and say so.
      try {
        deleteTree(staging);
      } catch (IOException ignored) {
        // the next prune removes it
      }
      throw new IOException("could not store version " + version + " of feed " + feed.shortName() + " in " + dir
          + ": " + describe(e) + "; nothing changed, the previous version is still current", e);
    }
    return commit(version, staging, item);
  }

  /** An I/O error as a person reads it: the JDK's bare "No space left on device" lacks the path. */
  static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied (" + e.getMessage() + ")";
    }
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason() + " (" + fs.getFile() + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Reads and hashes {@code file} unless {@link VerifiedFiles} knows it already. */
  private static boolean hashesTo(Path file, byte[] expected, java.security.MessageDigest sha1) throws IOException {
    return VerifiedFiles.shared().verify(file, expected,
        () -> Arrays.equals(sha1.digest(Files.readAllBytes(file)), expected));
  }

  /**
   * Prepares a directory to download version {@code version} into: every segment file of the
   * current version whose SHA-1 matches the new torrent's piece hash is hard-linked, so bt finds
   * it complete and never writes to it (a piece that verifies is not downloaded).
   */
  public Path stageDownload(long version, FeedTorrent torrent) throws IOException {
    Path staging = downloadRoot(version);
    Path content = staging.resolve(torrent.name());
    Files.createDirectories(content);
    if (exists()) {
      Path previous = currentRoot().resolve(torrent.name());
      java.security.MessageDigest sha1 = sha1();
      for (int i = 0; i < torrent.pieceCount(); i++) {
        Path old = previous.resolve(FeedTorrent.fileName(i));
        Path target = content.resolve(FeedTorrent.fileName(i));
        if (!Files.exists(target) && Files.exists(old) && Files.size(old) == torrent.fileLength(i)
            && hashesTo(old, torrent.pieceHash(i), sha1)) {
          Files.createLink(target, old);
        }
      }
    }
    return staging;
  }

  /**
   * Where version {@code version} is downloaded: its own version directory, so that after it
   * verifies it becomes current in place and bt goes on seeding it without a restart.
   */
  public Path downloadRoot(long version) {
    return versionRoot(version);
  }

  /**
   * Makes a downloaded and verified staging directory the current version, with its signed
   * {@code item} (null for none; else its seq must be {@code version}) written into it first.
   */
  public Path commit(long version, Path staging, MutableItem item) throws IOException {
    if (item != null) {
      if (item.seq() != version) {
        throw new IllegalArgumentException("item seq " + item.seq() + " does not name version " + version);
      }
      writeItemFile(staging, item);
    }
    Path versionDir = versionRoot(version);
    if (!staging.equals(versionDir)) {
      deleteTree(versionDir);
      Files.move(staging, versionDir, StandardCopyOption.ATOMIC_MOVE);
    }
    fsyncDirectory(dir);
    Path tmpLink = dir.resolve(CURRENT + ".tmp");
    Files.deleteIfExists(tmpLink);
    Files.createSymbolicLink(tmpLink, Path.of(versionDir.getFileName().toString()));
    Files.move(tmpLink, dir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (item != null) {
      Files.deleteIfExists(dir.resolve(ITEM)); // an item from before items moved into versions
    }
    fsyncDirectory(dir);
    return versionDir;
  }

  /**
   * Removes every version and staging directory at or below the current version except the
   * current one and {@code keep} (left by a crash, a rejected download or an older version).
   */
  public synchronized void prune(long... keep) throws IOException {
    OptionalLong current = currentVersion();
    try (var entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        boolean isVersion = name.matches("v\\d+");
        boolean isStaging = name.startsWith("incoming-");
        if (!isVersion && !isStaging) {
          continue;
        }
        long v = Long.parseLong(name.substring(isVersion ? 1 : "incoming-".length()));
        // A directory above the current version may be a download in progress.
        boolean kept = (current.isPresent() && current.getAsLong() == v && isVersion)
            || current.isEmpty() || v > current.getAsLong()
            || (isVersion && Arrays.stream(keep).anyMatch(k -> k == v));
        if (!kept) {
          deleteTree(p);
        }
      }
    }
  }

  /**
   * The current version's signed item, else the item kept outside any version, else empty. The
   * file is written atomically, so a bad one was damaged or planted: that is a clear IOException
   * naming the file, never a crash or a guess.
   */
  public Optional<MutableItem> readItem() throws IOException {
    Path p = dir.resolve(ITEM);
    OptionalLong current = currentVersion();
    if (current.isPresent() && Files.exists(versionRoot(current.getAsLong()).resolve(ITEM))) {
      p = versionRoot(current.getAsLong()).resolve(ITEM);
    }
    if (!Files.exists(p)) {
      return Optional.empty();
    }
    if (Files.size(p) > MAX_ITEM_FILE) {
      throw new IOException("stored item " + p + " is " + Files.size(p) + " bytes, more than " + MAX_ITEM_FILE
          + "; it is damaged (delete it and the current version is signed again)");
    }
    byte[] b = Files.readAllBytes(p);
    try {
      BencodeReader r = new BencodeReader(b);
      r.beginDict();
      expectKey(r, null, "seq");
      long seq = r.readLong();
      expectKey(r, "seq", "sig");
      byte[] sig = r.readBytes(64, "signature");
      expectKey(r, "sig", "v");
      int start = r.skipValue();
      byte[] v = Arrays.copyOfRange(b, start, r.position());
      if (r.nextKey("v") != null || !r.atEnd()) {
        throw r.error("unexpected data after 'v'");
      }
      return Optional.of(MutableItem.verified(feed, seq, v, sig));
    } catch (BencodeException | IllegalArgumentException e) {
      throw new IOException("stored item " + p + " is damaged (" + e.getMessage()
          + "); delete it and the current version is signed again", e);
    }
  }

  private static void expectKey(BencodeReader r, String previous, String key) {
    if (!key.equals(r.nextKey(previous))) {
      throw r.error("expected key '" + key + "'");
    }
  }

  /**
   * Stores {@code item} in the version it names, or outside any version when that version is not
   * stored (an export, or an item learned before its version). A version written with its item
   * needs no call: this replaces an item, such as one signed again after a crash.
   */
  public void writeItem(MutableItem item) throws IOException {
    Path version = versionRoot(item.seq());
    writeItemFile(Files.isDirectory(version) ? version : dir, item);
  }

  private static void writeItemFile(Path directory, MutableItem item) throws IOException {
    byte[] b = new BencodeWriter(256).beginDict()
        .key("seq").integer(item.seq())
        .key("sig").string(item.signature())
        .key("v").raw(item.value())
        .end().toByteArray();
    Path tmp = directory.resolve(ITEM + ".tmp");
    Files.createDirectories(directory);
    writeSynced(tmp, b);
    Files.move(tmp, directory.resolve(ITEM), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(directory);
  }

  /** Removes the feed's whole directory (unfollow without keeping a copy). */
  public void deleteAll() throws IOException {
    deleteTree(dir);
  }

  static void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename is still atomic there.
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
        if (exc instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE; // removed by someone else meanwhile: that is the goal
        }
        throw exc;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        try {
          Files.deleteIfExists(d);
        } catch (DirectoryNotEmptyException e) {
          // a writer raced us; the next prune removes it
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static java.security.MessageDigest sha1() {
    try {
      return java.security.MessageDigest.getInstance("SHA-1");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
