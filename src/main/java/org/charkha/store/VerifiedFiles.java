package org.charkha.store;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Segment files whose content is known to hash to a given SHA-1 (bt checked it, or we did), by
 * file identity: the same inode, size and modification time. A new version of a feed shares most
 * of its segment files with the version before ({@link FeedStore}), so with this bt's check when
 * the version's torrent starts costs what changed: without it, every version of a
 * 100,000-post feed re-hashed all its 32 MB on each side.
 *
 * <p>Shared by the whole process, since inodes are. Nothing here writes to a segment file once
 * it is complete (new content is always a new file), so a file whose inode, size and time are
 * unchanged still holds what was hashed. Bounded; forgetting only costs a re-hash.
 */
public final class VerifiedFiles {
  private static final VerifiedFiles SHARED = new VerifiedFiles(200_000);

  /** Reads the file and compares its hash. */
  @FunctionalInterface
  public interface Check<E extends Exception> {
    boolean matches() throws E;
  }

  private record Verified(long size, FileTime modified, byte[] sha1) {}

  private final Cache<Object, Verified> byInode;
  private final AtomicLong checks = new AtomicLong();

  VerifiedFiles(int maxFiles) {
    byInode = CacheBuilder.newBuilder().maximumSize(maxFiles).build();
  }

  public static VerifiedFiles shared() {
    return SHARED;
  }

  /**
   * Whether {@code file} hashes to {@code sha1}: true at once if it is unchanged since a check
   * that said so, otherwise whatever {@code check} (which reads and hashes it) says, remembered
   * when true and the file did not change meanwhile.
   */
  public <E extends Exception> boolean verify(Path file, byte[] sha1, Check<E> check) throws E {
    Optional<BasicFileAttributes> before = attributes(file);
    if (before.isPresent() && vouched(before.get(), sha1)) {
      return true;
    }
    return checkNow(file, sha1, before, check);
  }

  /** Whether a check since the file last changed found that it hashes to {@code sha1}; reads nothing. */
  public boolean vouches(Path file, byte[] sha1) {
    Optional<BasicFileAttributes> a = attributes(file);
    return a.isPresent() && vouched(a.get(), sha1);
  }

  /** As {@link #verify}, never trusting an earlier check: for a file just written. */
  public <E extends Exception> boolean verifyNow(Path file, byte[] sha1, Check<E> check) throws E {
    return checkNow(file, sha1, attributes(file), check);
  }

  private <E extends Exception> boolean checkNow(Path file, byte[] sha1, Optional<BasicFileAttributes> before,
      Check<E> check) throws E {
    checks.incrementAndGet();
    if (!check.matches()) {
      return false;
    }
    Optional<BasicFileAttributes> after = attributes(file);
    if (before.isPresent() && after.isPresent() && before.get().fileKey() != null
        && before.get().fileKey().equals(after.get().fileKey()) && before.get().size() == after.get().size()
        && before.get().lastModifiedTime().equals(after.get().lastModifiedTime())) {
      remember(after.get(), sha1); // not changed while it was read
    }
    return true;
  }

  /** Records a file just written with content that hashes to {@code sha1}. */
  public void written(Path file, byte[] sha1) {
    attributes(file).ifPresent(a -> remember(a, sha1));
  }

  private void remember(BasicFileAttributes a, byte[] sha1) {
    if (a.fileKey() != null) {
      byInode.put(a.fileKey(), new Verified(a.size(), a.lastModifiedTime(), sha1.clone()));
    }
  }

  /** How many times a file was read and hashed here (for tests and benchmarks). */
  public long checksRun() {
    return checks.get();
  }

  private boolean vouched(BasicFileAttributes a, byte[] sha1) {
    if (a.fileKey() == null) {
      return false; // a file system without inode identity: always hash
    }
    Verified v = byInode.getIfPresent(a.fileKey());
    return v != null && v.size() == a.size() && v.modified().equals(a.lastModifiedTime())
        && Arrays.equals(v.sha1(), sha1);
  }

  private static Optional<BasicFileAttributes> attributes(Path file) {
    try {
      return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
    } catch (IOException e) {
      return Optional.empty(); // gone or unreadable: nothing to vouch for
    }
  }
}
