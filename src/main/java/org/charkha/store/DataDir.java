package org.charkha.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.charkha.feed.FeedId;
import org.charkha.feed.Identity;

/**
 * The data directory ({@code ~/.charkha} by default): the owner's key, every held feed, the index.
 *
 * <pre>
 *   identity.key        owner-only; the seed in hex, or encrypted under a passphrase (protocol-notes/0008)
 *   feeds/&lt;feed&gt;/      one {@link FeedStore} per feed, the owner's own included
 *   index.db            SQLite index, rebuildable from feeds/
 *   lock                held while a process writes
 *   node.lock           held while a node runs (node/NodeLock); node.json says how to reach it
 * </pre>
 */
public final class DataDir {
  private static final int MAX_KEY_FILE = 4096;
  private static final java.util.concurrent.locks.ReentrantLock IN_PROCESS = new java.util.concurrent.locks.ReentrantLock();
  private final Path home;
  private volatile Identity cached;

  private DataDir(Path home) {
    this.home = home;
  }

  /** The directory named by --home, else CHARKHA_HOME, else ~/.charkha. */
  public static Path resolveHome(String flag) {
    return resolveHome(flag, System.getenv("CHARKHA_HOME"));
  }

  /** The flag wins, then {@code envHome} (the value of CHARKHA_HOME), then ~/.charkha. */
  public static Path resolveHome(String flag, String env) {
    if (flag != null && !flag.isBlank()) {
      return Path.of(flag);
    }
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".charkha");
  }

  public static DataDir open(Path home) {
    return new DataDir(home.toAbsolutePath());
  }

  public Path home() {
    return home;
  }

  public Path keyFile() {
    return home.resolve("identity.key");
  }

  public Path indexFile() {
    return home.resolve("index.db");
  }

  public Path feedsDir() {
    return home.resolve("feeds");
  }

  public boolean isInitialized() {
    return Files.exists(keyFile());
  }

  /** Creates the directory and a new key; fails if a key already exists (never overwrite one). */
  public Identity initialize() throws IOException {
    return initialize(Identity.generate());
  }

  /** Creates the directory around an existing identity (import on a new machine). */
  public Identity initialize(Identity identity) throws IOException {
    return initialize(identity, null);
  }

  /**
   * Creates the directory around {@code identity}; with a passphrase the seed is stored encrypted
   * (scrypt and AES-256-GCM, protocol-notes/0008-key-file.md), without it in plain hex.
   */
  public Identity initialize(Identity identity, char[] passphrase) throws IOException {
    writeKeyFile(passphrase == null ? KeyFile.plain(identity) : KeyFile.encrypted(identity, passphrase));
    cached = identity;
    return identity;
  }

  /** Takes over another data directory's key file as it is, encrypted or not (restore of an export). */
  public void adoptKeyFile(DataDir source) throws IOException {
    source.identity(); // only a key that opens is worth copying
    writeKeyFile(Files.readAllBytes(source.keyFile()));
  }

  private void writeKeyFile(byte[] text) throws IOException {
    Files.createDirectories(home);
    Files.createDirectories(feedsDir());
    if (Files.exists(keyFile())) {
      throw new FileAlreadyExistsException(keyFile().toString(), null, "a key already exists; refusing to replace it");
    }
    Path tmp = home.resolve("identity.key.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(text);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } finally {
      java.util.Arrays.fill(text, (byte) 0);
    }
    Files.move(tmp, keyFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    FeedStore.fsyncDirectory(home);
  }

  /** Whether the key file holds the seed encrypted under a passphrase. */
  public boolean isKeyEncrypted() throws IOException {
    return KeyFile.isEncrypted(readKeyLines());
  }

  /**
   * The owner's identity. An encrypted key asks for its passphrase ({@link Passphrase#ask}: the
   * environment, else the console) once per DataDir.
   */
  public Identity identity() throws IOException {
    List<String> lines = readKeyLines(); // checks the key file's permissions every time
    Identity id = cached;
    if (id != null) {
      return id;
    }
    if (!KeyFile.isEncrypted(lines)) {
      id = KeyFile.readPlain(lines, keyFile().toString());
    } else {
      char[] passphrase = Passphrase.ask(keyFile().toString());
      try {
        id = KeyFile.readEncrypted(lines, passphrase, keyFile().toString());
      } finally {
        java.util.Arrays.fill(passphrase, '\0');
      }
    }
    cached = id;
    return id;
  }

  /** The owner's identity, opening an encrypted key with {@code passphrase}. */
  public Identity identity(char[] passphrase) throws IOException {
    List<String> lines = readKeyLines();
    Identity id = KeyFile.isEncrypted(lines)
        ? KeyFile.readEncrypted(lines, passphrase, keyFile().toString())
        : KeyFile.readPlain(lines, keyFile().toString());
    cached = id;
    return id;
  }

  private List<String> readKeyLines() throws IOException {
    if (!Files.exists(keyFile())) {
      throw new NoSuchFileException("no identity in " + home + "; run 'charkha init' first");
    }
    var perms = Files.getPosixFilePermissions(keyFile());
    if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
      throw new AccessDeniedException(keyFile().toString(), null,
          "key file is readable by others (" + PosixFilePermissions.toString(perms) + "); chmod 600 it");
    }
    if (Files.size(keyFile()) > MAX_KEY_FILE) {
      throw new IOException("key file " + keyFile() + " is not a Charkha key file (" + Files.size(keyFile()) + " bytes)");
    }
    return Files.readAllLines(keyFile(), StandardCharsets.US_ASCII);
  }

  public FeedStore feed(FeedId feed) {
    return new FeedStore(feed, feedsDir().resolve(feed.toString().replace(':', '-')));
  }

  /** Every feed that has a directory here. */
  public List<FeedId> storedFeeds() throws IOException {
    List<FeedId> feeds = new ArrayList<>();
    if (!Files.isDirectory(feedsDir())) {
      return feeds;
    }
    try (var dirs = Files.list(feedsDir())) {
      for (Path p : (Iterable<Path>) dirs::iterator) {
        try {
          feeds.add(FeedId.parse(p.getFileName().toString().replace('-', ':')));
        } catch (IllegalArgumentException e) {
          // not a feed directory; leave it alone
        }
      }
    }
    feeds.sort(null);
    return feeds;
  }

  /**
   * Takes the data directory's write lock, waiting for another process that holds it. Writers of
   * the own feed hold it so a CLI command and a running node never fork the log.
   */
  public WriteLock lock() throws IOException {
    Files.createDirectories(home);
    // File locks are per process; threads of one process queue on this lock first.
    IN_PROCESS.lock();
    try {
      FileChannel ch = FileChannel.open(home.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new WriteLock(ch, ch.lock());
    } catch (IOException | RuntimeException e) {
      IN_PROCESS.unlock();
      throw e;
    }
  }

  public Optional<String> readText(String name) throws IOException {
    Path p = home.resolve(name);
    return Files.exists(p) ? Optional.of(Files.readString(p)) : Optional.empty();
  }

  public static final class WriteLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private WriteLock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() throws IOException {
      try {
        lock.release();
        channel.close();
      } finally {
        IN_PROCESS.unlock();
      }
    }
  }

  /** A missing identity, with a message that says what to do. */
  public static final class NoSuchFileException extends java.nio.file.NoSuchFileException {
    public NoSuchFileException(String message) {
      super(message);
    }

    @Override
    public String getMessage() {
      return getFile();
    }
  }
}
