package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bt.net.buffer.BorrowedBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReleaseSafeBuffersTest {
  private final ReleaseSafeBuffers buffers = new ReleaseSafeBuffers(1024);

  @Test
  void aReleasedBufferLeftLockedByOneThreadDoesNotBlockAnother() throws Exception {
    BorrowedBuffer<ByteBuffer> b = buffers.borrowByteBuffer();
    b.release();
    // bt 1.10's flush(): lockAndGet, see null, return without unlock
    CompletableFuture.runAsync(() -> assertNull(b.lockAndGet())).get(5, TimeUnit.SECONDS);
    ByteBuffer seen = CompletableFuture.supplyAsync(b::lockAndGet).get(5, TimeUnit.SECONDS);
    assertNull(seen, "a second thread gets null at once instead of waiting forever");
  }

  @Test
  void unlockAfterAReleasedLockAndGetIsHarmless() {
    BorrowedBuffer<ByteBuffer> b = buffers.borrowByteBuffer();
    b.release();
    assertNull(b.lockAndGet());
    b.unlock(); // bt's read path unlocks in finally whatever lockAndGet returned
    b.release(); // a second release does nothing
  }

  @Test
  void aBufferLockedByItsOwnThreadCannotBeReleased() {
    BorrowedBuffer<ByteBuffer> b = buffers.borrowByteBuffer();
    assertNotNull(b.lockAndGet());
    assertThrows(IllegalStateException.class, b::release);
    b.unlock();
    b.release();
  }

  @Test
  void releasedBuffersAreReusedCleared() {
    BorrowedBuffer<ByteBuffer> first = buffers.borrowByteBuffer();
    ByteBuffer raw = first.lockAndGet();
    raw.put((byte) 7);
    first.unlock();
    first.release();
    BorrowedBuffer<ByteBuffer> second = buffers.borrowByteBuffer();
    ByteBuffer again = second.lockAndGet();
    assertEquals(0, again.position());
    assertEquals(1024, again.remaining());
    second.unlock();
  }
}
