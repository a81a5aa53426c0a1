package org.charkha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedFilesTest {
  @TempDir Path dir;
  private final VerifiedFiles files = new VerifiedFiles(100);
  private final AtomicInteger reads = new AtomicInteger();

  private static byte[] sha1(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-1").digest(b);
  }

  /** The check bt or the store would run: read and hash. */
  private boolean check(Path f, byte[] expected) throws Exception {
    reads.incrementAndGet();
    return Arrays.equals(sha1(Files.readAllBytes(f)), expected);
  }

  @Test
  void aFileCheckedOnceAndItsHardLinksAreNotReadAgain() throws Exception {
    Path f = Files.write(dir.resolve("a.seg"), "segment".getBytes());
    byte[] hash = sha1(Files.readAllBytes(f));
    assertTrue(files.verify(f, hash, () -> check(f, hash)));
    assertTrue(files.verify(f, hash, () -> check(f, hash)));
    Path link = Files.createLink(dir.resolve("b.seg"), f);
    assertTrue(files.verify(link, hash, () -> check(link, hash)));
    assertEquals(1, reads.get());
  }

  @Test
  void vouchesOnlyForAFileCheckedAndUnchangedSinceAndReadsNothing() throws Exception {
    Path f = Files.write(dir.resolve("a.seg"), "segment".getBytes());
    byte[] hash = sha1(Files.readAllBytes(f));
    assertFalse(files.vouches(f, hash), "never checked");
    files.verify(f, hash, () -> check(f, hash));
    assertTrue(files.vouches(f, hash));
    assertFalse(files.vouches(f, sha1("other".getBytes())));
    Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 1000));
    assertFalse(files.vouches(f, hash), "changed since");
    assertFalse(files.vouches(dir.resolve("gone.seg"), hash));
    assertEquals(1, reads.get());
  }

  @Test
  void aChangedFileOrAnotherHashIsCheckedAgain() throws Exception {
    Path f = Files.write(dir.resolve("a.seg"), "segment".getBytes());
    byte[] hash = sha1(Files.readAllBytes(f));
    files.verify(f, hash, () -> check(f, hash));

    byte[] other = sha1("other".getBytes());
    assertFalse(files.verify(f, other, () -> check(f, other)), "vouched for one hash only");
    assertEquals(2, reads.get());

    FileTime before = Files.getLastModifiedTime(f);
    Files.write(f, "segmenT".getBytes()); // same size, new content
    // coarse clocks may give the write the old time: make it visible
    Files.setLastModifiedTime(f, FileTime.fromMillis(before.toMillis() + 1000));
    assertFalse(files.verify(f, hash, () -> check(f, hash)));
    assertEquals(3, reads.get());
  }

  @Test
  void aFailedCheckIsNotRememberedAndVerifyNowAlwaysReads() throws Exception {
    Path f = Files.write(dir.resolve("a.seg"), "segment".getBytes());
    byte[] hash = sha1(Files.readAllBytes(f));
    byte[] wrong = sha1("wrong".getBytes());
    assertFalse(files.verify(f, wrong, () -> check(f, wrong)));
    assertFalse(files.verify(f, wrong, () -> check(f, wrong)));
    assertTrue(files.verifyNow(f, hash, () -> check(f, hash)));
    assertTrue(files.verifyNow(f, hash, () -> check(f, hash)));
    assertEquals(4, reads.get());
    assertTrue(files.verify(f, hash, () -> check(f, hash)), "what verifyNow found is remembered");
    assertEquals(4, reads.get());
  }

  @Test
  void aMissingFileIsNeverVouchedFor() throws IOException {
    Path gone = dir.resolve("gone.seg");
    assertFalse(files.verify(gone, new byte[20], () -> false));
  }
}
