package org.charkha.swarm;

import bt.net.buffer.BorrowedBuffer;
import bt.net.buffer.IBufferManager;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * bt's per-connection network buffers, replacing bt 1.10's {@code BufferManager}. In 1.10,
 * {@code lockAndGet()} on a buffer already released (its connection closed) returns null while
 * keeping the lock, and some callers then return without unlocking: the lock stays held by that
 * thread, and the next thread that touches the closed connection's buffer blocks forever. When that
 * thread is bt's message dispatcher, every torrent of the runtime stops exchanging messages (fixed
 * on bt's master by 485d3f0, which is not released). Here a released buffer never keeps its lock,
 * and {@code unlock()} by a thread that does not hold it does nothing.
 */
final class ReleaseSafeBuffers implements IBufferManager {
  /** Released buffers kept for reuse; more are left to the garbage collector. */
  static final int MAX_POOLED = 64;

  private final int bufferSize;
  private final Deque<SoftReference<ByteBuffer>> pool = new ConcurrentLinkedDeque<>();
  private final AtomicInteger pooled = new AtomicInteger();

  ReleaseSafeBuffers(int bufferSize) {
    this.bufferSize = bufferSize;
  }

  @Override
  public BorrowedBuffer<ByteBuffer> borrowByteBuffer() {
    ByteBuffer buffer = null;
    SoftReference<ByteBuffer> ref;
    while (buffer == null && (ref = pool.pollLast()) != null) {
      pooled.decrementAndGet();
      buffer = ref.get();
    }
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(bufferSize);
    }
    buffer.clear();
    return new Borrowed(buffer);
  }

  private void giveBack(ByteBuffer buffer) {
    if (pooled.incrementAndGet() <= MAX_POOLED) {
      pool.addLast(new SoftReference<>(buffer));
    } else {
      pooled.decrementAndGet();
    }
  }

  private final class Borrowed implements BorrowedBuffer<ByteBuffer> {
    private final ReentrantLock lock = new ReentrantLock();
    private volatile ByteBuffer buffer;

    Borrowed(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public ByteBuffer lockAndGet() {
      lock.lock();
      ByteBuffer b = buffer;
      if (b == null) {
        lock.unlock(); // released: hold nothing, whatever the caller does next
      }
      return b;
    }

    @Override
    public void unlock() {
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
      }
    }

    @Override
    public void release() {
      lock.lock();
      try {
        ByteBuffer b = buffer;
        if (b == null) {
          return;
        }
        if (lock.getHoldCount() > 1) {
          throw new IllegalStateException("buffer is locked by this thread and cannot be released");
        }
        buffer = null;
        giveBack(b);
      } finally {
        lock.unlock();
      }
    }
  }
}
