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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.charkha.bencode.BencodeException;
import org.charkha.bencode.BencodeReader;
import org.charkha.bencode.BencodeWriter;
import org.charkha.dht.MutableItem;
import org.charkha.feed.FeedId;
import org.charkha.feed.FeedLog;
import org.charkha.feed.FeedVerificationException;
import org.charkha.feed.FeedVerifier;
import org.charkha.feed.Hex;
import org.charkha.feed.Segment;
import org.charkha.torrent.FeedTorrent;

/**
 * One feed on disk, kept as whole verified versions so a crash never leaves a mix:
 *
 * <pre>
 *   segments/NNNNNNNN-&lt;sha1 hex&gt;.seg   segment file (piece) NNNNNNNN with that SHA-1, shared by
 *                                        every version that has this piece
 *   v&lt;seq&gt;/info                        the version's info dictionary: which segment files it is
 *   v&lt;seq&gt;/item                        its signed BEP 44 item (bencoded)
 *   current -> v&lt;seq&gt;                  symlink, swapped atomically by rename
 *   item                                 an item outside any version: an export's, or
 *                                        one stored before items moved into versions
 *   v&lt;seq&gt; above current                a version being downloaded (not yet verified)
 *   incoming-&lt;seq&gt;/                      the own feed's next version while it is written
 * </pre>
 *
 * A segment file is named by its index and content, so a new version adds only the pieces that
 * changed (usually the last one) and costs the same at any feed length: nothing is copied, linked
 * or checked for the pieces it shares with the version before. bt seeds and downloads straight
 * in {@link #segmentsDir()}, the torrent's files mapped onto these names. A version's info and
 * item live inside it, so the one rename that makes a version current makes both current. A
 * segment file goes with the last version that names it ({@link #prune}), so deleted text leaves
 * the disk.
 *
 * <p>Stores written before segment files were shared ({@code v<seq>/<torrent name>/NNNNNNNN.seg},
 * the layout an export still has) are read as they are and moved to this layout by {@link #load}.
 */
public final class FeedStore {
  private static final String CURRENT = "current";
  private static final String ITEM = "item";
  private static final String INFO = "info";
  private static final String SEGMENTS = "segments";
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

  /** Where bt seeds and downloads every version of this feed: see {@link #segmentFileName}. */
  public Path segmentsDir() {
    return dir.resolve(SEGMENTS);
  }

  /** The name of segment file {@code index} whose content has SHA-1 {@code sha1}. */
  public static String segmentFileName(int index, byte[] sha1) {
    return FeedTorrent.index8(index) + "-" + Hex.encode(sha1) + ".seg";
  }

  /** Where piece {@code i} of {@code torrent} is stored. */
  public Path segmentFile(FeedTorrent torrent, int i) {
    return segmentsDir().resolve(segmentFileName(i, torrent.pieceHash(i)));
  }

  /** The directory of version {@code version}: its info and item. */
  public Path versionDir(long version) {
    return dir.resolve("v" + version);
  }

  public Path currentDir() throws IOException {
    OptionalLong v = currentVersion();
    if (v.isEmpty()) {
      throw new NoSuchFileException(dir.resolve(CURRENT).toString(), null, "feed " + feed.shortName() + " has no stored version");
    }
    return versionDir(v.getAsLong());
  }

  /** The current version's torrent, empty if none is stored or it is in the old layout. */
  public Optional<FeedTorrent> currentTorrent() throws IOException {
    return exists() ? readInfo(currentDir()) : Optional.empty();
  }

  private Optional<FeedTorrent> readInfo(Path versionDir) throws IOException {
    Path p = versionDir.resolve(INFO);
    if (!Files.exists(p)) {
      return Optional.empty();
    }
    if (Files.size(p) > FeedTorrent.MAX_INFO_SIZE) {
      throw new IOException("stored torrent " + p + " is larger than " + FeedTorrent.MAX_INFO_SIZE + " bytes; it is damaged");
    }
    try {
      return Optional.of(FeedTorrent.parseInfo(feed, Files.readAllBytes(p)));
    } catch (BencodeException | IllegalArgumentException e) {
      throw new IOException("stored torrent " + p + " is damaged (" + e.getMessage() + ")", e);
    }
  }

  /** Reads the current version's pieces. */
  public List<byte[]> readPieces() throws IOException {
    Path current = currentDir();
    Optional<FeedTorrent> torrent = readInfo(current);
    if (torrent.isEmpty()) {
      return readTorrentLayout(feed, current);
    }
    // Segment pieces only: media files (0004 section 2) are no feed data and are not stored.
    List<byte[]> pieces = new ArrayList<>(torrent.get().segmentCount());
    for (int i = 0; i < torrent.get().segmentCount(); i++) {
      pieces.add(torrent.get().segmentBytes(i, readPiece(torrent.get(), i)));
    }
    return pieces;
  }

  /**
   * Reads the pieces laid out as the torrent names them, {@code root/<torrent name>/NNNNNNNN.seg}:
   * an export, or a version stored before segment files were shared.
   */
  public static List<byte[]> readTorrentLayout(FeedId feed, Path root) throws IOException {
    Path content = root.resolve(FeedTorrent.name(feed));
    List<byte[]> pieces = new ArrayList<>();
    for (int i = 0; ; i++) {
      Path f = content.resolve(FeedTorrent.fileName(i));
      if (!Files.exists(f)) {
        break;
      }
      pieces.add(readSegmentFile(f));
    }
    return pieces;
  }

  /**
   * Reads segment piece {@code i} of {@code torrent}, a stored version or one being downloaded, as
   * its file holds it (see {@link FeedTorrent#segmentBytes} for what the verifier takes).
   */
  public byte[] readPiece(FeedTorrent torrent, int i) throws IOException {
    return readSegmentFile(segmentFile(torrent, i));
  }

  private static byte[] readSegmentFile(Path f) throws IOException {
    if (Files.size(f) > org.charkha.feed.Limits.SEGMENT_SIZE) {
      throw new IOException(f + " is larger than a segment");
    }
    return Files.readAllBytes(f);
  }

  /**
   * Loads and verifies the current version; empty if none is stored. A version in the old layout
   * is moved to shared segment files first.
   */
  public Optional<FeedLog> load() throws IOException, FeedVerificationException {
    if (currentVersion().isEmpty()) {
      return Optional.empty();
    }
    upgradeCurrent();
    return Optional.of(FeedVerifier.verify(feed, readPieces()));
  }

  /**
   * Moves a current version of the old layout to shared segment files: link every file under its
   * new name, then write the info, which is what makes the version one of the new layout; a crash
   * before that leaves the old version as it was, and this runs again.
   */
  private synchronized void upgradeCurrent() throws IOException {
    Path current = currentDir();
    if (Files.exists(current.resolve(INFO))) {
      return;
    }
    Path content = current.resolve(FeedTorrent.name(feed));
    if (!Files.isDirectory(content)) {
      return; // nothing to move: readPieces says what is missing
    }
    FeedTorrent torrent = FeedTorrent.ofPieces(feed, readTorrentLayout(feed, current));
    Files.createDirectories(segmentsDir());
    for (int i = 0; i < torrent.segmentCount(); i++) {
      Path target = segmentFile(torrent, i);
      Files.deleteIfExists(target); // a link from a crashed run of this, or a stray file: these bytes hash right
      Files.createLink(target, content.resolve(FeedTorrent.fileName(i)));
    }
    fsyncDirectory(segmentsDir());
    writeInfo(current, torrent);
    deleteTree(content);
  }

  /** Writes {@code log} as version {@code version}, without an item, and makes it current. */
  public void writeVersion(long version, FeedLog log) throws IOException {
    writeVersion(version, log, null);
  }

  /**
   * Writes {@code log} as version {@code version} with its signed {@code item} (null for none) and
   * makes both current. Only segment files the current version does not have are written (and
   * synced), before the switch; one already there from elsewhere is kept if its bytes are right.
   */
  public void writeVersion(long version, FeedLog log, MutableItem item) throws IOException {
    List<Segment> segments = log.segments();
    FeedTorrent torrent = FeedTorrent.of(log); // piece hashes: each full segment's is computed once
    Optional<FeedTorrent> previous = exists() ? currentTorrent() : Optional.empty();
    VerifiedFiles verified = VerifiedFiles.shared();
    Path staging = dir.resolve("incoming-" + version);
    deleteTree(staging);
    try {
      Files.createDirectories(staging);
      writeInfo(staging, torrent); // first: from here on a prune keeps the files it names
      Files.createDirectories(segmentsDir());
      for (int i = 0; i < segments.size(); i++) {
        if (previous.isPresent() && torrent.samePiece(previous.get(), i)) {
          continue; // in place since that version was written
        }
        Path target = segmentFile(torrent, i);
        Segment segment = segments.get(i);
        boolean last = i == segments.size() - 1;
        if (Files.exists(target) && Files.size(target) == torrent.fileLength(i)
            && verified.verify(target, torrent.pieceHash(i),
                () -> Arrays.equals(Files.readAllBytes(target), segment.toPiece(last)))) {
          continue;
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        writeSynced(tmp, segment.toPiece(last));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        verified.written(target, torrent.pieceHash(i));
      }
      fsyncDirectory(segmentsDir());
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
    switchTo(version, staging, item);
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

  /**
   * Starts a download of version {@code version}: its info is written into its directory (above
   * the current version, so a prune keeps it and the segment files it names), and bt then finds
   * in {@link #segmentsDir()} every piece the feed already has and fetches the others into it.
   */
  public synchronized void beginDownload(long version, FeedTorrent torrent) throws IOException {
    Path versionDir = versionDir(version);
    Files.createDirectories(versionDir);
    Files.createDirectories(segmentsDir());
    writeInfo(versionDir, torrent);
  }

  /**
   * Makes the downloaded and verified version {@code version} current, with its signed
   * {@code item} (null for none; else its seq must be {@code version}). The segment files it
   * added are synced first.
   */
  public synchronized Path commit(long version, MutableItem item) throws IOException {
    Path versionDir = versionDir(version);
    FeedTorrent torrent = readInfo(versionDir).orElseThrow(() ->
        new NoSuchFileException(versionDir.resolve(INFO).toString(), null, "no download of this version was begun"));
    Optional<FeedTorrent> previous = exists() ? currentTorrent() : Optional.empty();
    for (int i = 0; i < torrent.segmentCount(); i++) {
      if (previous.isEmpty() || !torrent.samePiece(previous.get(), i)) {
        try (FileChannel ch = FileChannel.open(segmentFile(torrent, i), StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
    }
    fsyncDirectory(segmentsDir());
    return switchTo(version, versionDir, item);
  }

  /** Writes {@code item} into {@code staging}, moves it to its version's place and makes it current. */
  private Path switchTo(long version, Path staging, MutableItem item) throws IOException {
    if (item != null) {
      if (item.seq() != version) {
        throw new IllegalArgumentException("item seq " + item.seq() + " does not name version " + version);
      }
      writeItemFile(staging, item);
    }
    Path versionDir = versionDir(version);
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

  private static void writeInfo(Path versionDir, FeedTorrent torrent) throws IOException {
    Path tmp = versionDir.resolve(INFO + ".tmp");
    writeSynced(tmp, torrent.infoDict());
    Files.move(tmp, versionDir.resolve(INFO), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(versionDir);
  }

  /**
   * Removes every version and staging directory at or below the current version except the
   * current one and {@code keep} (left by a crash, a rejected download or an older version), and
   * the segment files that only they named. Costs what the removed versions changed, not the
   * feed's length; {@link #sweep} also finds segment files that no version names.
   */
  public synchronized void prune(long... keep) throws IOException {
    OptionalLong current = currentVersion();
    Set<String> named = new HashSet<>();
    Set<String> dropped = new HashSet<>();
    for (Path p : versionDirs()) {
      long v = versionOf(p);
      // A directory above the current version may be a download in progress.
      boolean kept = (current.isPresent() && current.getAsLong() == v && isVersionDir(p))
          || current.isEmpty() || v > current.getAsLong()
          || (isVersionDir(p) && Arrays.stream(keep).anyMatch(k -> k == v));
      addNames(kept ? named : dropped, p, current);
      if (!kept) {
        deleteTree(p);
      }
    }
    dropped.removeAll(named);
    for (String f : dropped) {
      Files.deleteIfExists(segmentsDir().resolve(f));
    }
  }

  /**
   * Removes every segment file that no version or staging directory names: what a crash or a
   * download that failed left behind. Costs a listing of the feed's segment files.
   */
  public synchronized void sweep() throws IOException {
    if (!Files.isDirectory(segmentsDir())) {
      return;
    }
    OptionalLong current = currentVersion();
    Set<String> named = new HashSet<>();
    for (Path p : versionDirs()) {
      addNames(named, p, current);
    }
    try (var files = Files.list(segmentsDir())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!named.contains(f.getFileName().toString())) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private List<Path> versionDirs() throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.filter(p -> isVersionDir(p) || p.getFileName().toString().matches("incoming-\\d+")).toList();
    }
  }

  private static boolean isVersionDir(Path p) {
    return p.getFileName().toString().matches("v\\d+");
  }

  private static long versionOf(Path versionOrStaging) {
    String name = versionOrStaging.getFileName().toString();
    return Long.parseLong(name.substring(name.startsWith("v") ? 1 : "incoming-".length()));
  }

  /** Adds the segment files that the version or staging directory {@code p} names. */
  private void addNames(Set<String> names, Path p, OptionalLong current) throws IOException {
    Optional<FeedTorrent> torrent;
    try {
      torrent = readInfo(p);
    } catch (IOException e) {
      if (isVersionDir(p) && current.isPresent() && current.getAsLong() == versionOf(p)) {
        throw e; // never guess which files the current version needs
      }
      return; // a damaged info of a download or an older version: nothing of it is needed
    }
    if (torrent.isPresent()) {
      for (int i = 0; i < torrent.get().segmentCount(); i++) {
        names.add(segmentFileName(i, torrent.get().pieceHash(i)));
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
    if (current.isPresent() && Files.exists(versionDir(current.getAsLong()).resolve(ITEM))) {
      p = versionDir(current.getAsLong()).resolve(ITEM);
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
    Path version = versionDir(item.seq());
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
}
