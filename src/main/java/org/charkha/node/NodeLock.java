package org.charkha.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code node.lock} in the data directory, held for a node's lifetime: two nodes on one directory
 * would share a DHT id, write the same stores and index, and delete each other's node.json. It is
 * not the data directory's write lock ({@code lock}), which CLI writes and the node take briefly,
 * so holding it blocks no one but a second node.
 */
public final class NodeLock implements AutoCloseable {
  static final String FILE = "node.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private NodeLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock and writes this process's pid into it, or fails at once with an
   * {@link IllegalStateException} naming the pid of the node that holds it.
   */
  public static NodeLock acquire(Path home) throws IOException {
    Files.createDirectories(home);
    Path file = home.resolve(FILE);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // a node in this very JVM holds it
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(ch);
      ch.close();
      throw new IllegalStateException("another node is running on this data directory (pid " + holder + "): "
          + home + "; stop it first, or give this one its own --home");
    }
    try {
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
      return new NodeLock(ch, lock);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The pid the holder wrote, or "unknown": the holder may not have written it yet. */
  private static String holder(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(20); // a long's decimal digits
    int n = ch.read(buf, 0);
    String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII).strip();
    return text.matches("\\d{1,19}") ? text : "unknown";
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
