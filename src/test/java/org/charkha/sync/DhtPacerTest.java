package org.charkha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DhtPacerTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static Supplier<CompletableFuture<?>> done(Runnable r) {
    return () -> {
      r.run();
      return CompletableFuture.completedFuture(null);
    };
  }

  /** A job whose lookup runs until the test completes it; each started lookup is added to {@code started}. */
  private static Supplier<CompletableFuture<?>> unfinished(List<CompletableFuture<Void>> started) {
    return () -> {
      CompletableFuture<Void> f = new CompletableFuture<>();
      started.add(f);
      return f;
    };
  }

  @Test
  void startsQueuedJobsInOrderAtTheRate() throws Exception {
    List<Long> ran = new CopyOnWriteArrayList<>();
    List<Integer> order = new CopyOnWriteArrayList<>();
    try (DhtPacer pacer = new DhtPacer(20, 3, scheduler)) { // one job per 50 ms
      long t0 = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        int n = i;
        pacer.submit("feed " + i, done(() -> {
          order.add(n);
          ran.add(System.nanoTime() - t0);
        }));
      }
      waitFor(() -> ran.size() == 10);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
      long spanMillis = TimeUnit.NANOSECONDS.toMillis(ran.get(9) - ran.get(0));
      assertTrue(spanMillis >= 400, "10 jobs at 20/s span at least 9 periods (450 ms), took " + spanMillis + " ms");
    }
  }

  @Test
  void noMoreThanTheBoundRunAtOnceHoweverSlowTheyAre() throws Exception {
    List<CompletableFuture<Void>> lookups = new CopyOnWriteArrayList<>();
    try (DhtPacer pacer = new DhtPacer(100, 2, scheduler)) {
      for (int i = 0; i < 5; i++) {
        pacer.submit(i, unfinished(lookups));
      }
      waitFor(() -> lookups.size() == 2);
      Thread.sleep(200); // 20 more ticks: none may start another
      assertEquals(2, lookups.size(), "two slow lookups hold both slots");
      assertEquals(2, pacer.inFlight());
      assertEquals(3, pacer.waiting());
      lookups.get(0).complete(null);
      waitFor(() -> lookups.size() == 3);
      lookups.get(1).completeExceptionally(new IllegalStateException("timed out"));
      waitFor(() -> lookups.size() == 4);
    }
  }

  @Test
  void aJobThatNeverEndsFreesItsSlotAfterTheTimeout() throws Exception {
    List<CompletableFuture<Void>> lookups = new CopyOnWriteArrayList<>();
    try (DhtPacer pacer = new DhtPacer(100, 1, java.time.Duration.ofMillis(300), scheduler)) {
      for (int i = 0; i < 2; i++) {
        pacer.submit(i, unfinished(lookups));
      }
      waitFor(() -> lookups.size() == 1);
      Thread.sleep(100);
      assertEquals(1, lookups.size(), "the hung lookup still holds the only slot");
      waitFor(() -> lookups.size() == 2);
      assertFalse(lookups.get(0).isDone(), "the job's own stage is left alone");
    }
  }

  @Test
  void aKeyAlreadyWaitingIsNotQueuedTwice() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    try (DhtPacer pacer = new DhtPacer(5, 3, scheduler)) {
      assertTrue(pacer.submit("a", done(() -> ran.add("a1"))));
      assertFalse(pacer.submit("a", done(() -> ran.add("a2"))));
      assertTrue(pacer.submit("b", done(() -> ran.add("b"))));
      assertEquals(2, pacer.waiting());
      waitFor(() -> ran.size() == 2);
      assertEquals(List.of("a1", "b"), ran);
      assertTrue(pacer.submit("a", done(() -> ran.add("a3"))), "once started, the key may be queued again");
      waitFor(() -> ran.size() == 3);
    }
  }

  @Test
  void aJobThatThrowsFreesItsSlot() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    try (DhtPacer pacer = new DhtPacer(50, 1, scheduler)) {
      pacer.submit("bad", () -> {
        throw new IllegalStateException("DHT has no active socket");
      });
      pacer.submit("good", done(() -> ran.add("good")));
      waitFor(() -> ran.size() == 1);
      assertEquals(0, pacer.inFlight());
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(10);
    }
  }
}
