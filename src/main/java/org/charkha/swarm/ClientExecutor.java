package org.charkha.swarm;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * bt's client executor (it runs each torrent's processing chain), replaced so we know which thread
 * runs which torrent. bt 1.10 never wakes a magnet torrent blocked waiting for metadata, so
 * stopping one would leak its thread for good; we interrupt it instead.
 */
final class ClientExecutor extends AbstractExecutorService {
  /** Set by the engine around {@code BtClient.startAsync()}; receives the processing thread. */
  static final ThreadLocal<Consumer<Thread>> STARTING = new ThreadLocal<>();

  private final ThreadPoolExecutor pool;

  ClientExecutor(int port) {
    AtomicInteger n = new AtomicInteger();
    pool = (ThreadPoolExecutor) Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "charkha-bt-" + port + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void execute(Runnable task) {
    Consumer<Thread> owner = STARTING.get();
    if (owner == null) {
      pool.execute(task);
      return;
    }
    pool.execute(() -> {
      owner.accept(Thread.currentThread());
      try {
        task.run();
      } finally {
        owner.accept(null);
        Thread.interrupted(); // a pooled thread must not carry a stop interrupt to the next task
      }
    });
  }

  /** Threads running a processing chain now (torrents starting or downloading; seeding takes none). */
  int busyThreads() {
    return pool.getActiveCount();
  }

  @Override
  public void shutdown() {
    pool.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return pool.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return pool.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return pool.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return pool.awaitTermination(timeout, unit);
  }
}
