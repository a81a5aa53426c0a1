package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A start of a torrent is finalized exactly once, whatever order its chain's end and its stop come in. */
class SeedingRunTest {
  private final AtomicInteger finalized = new AtomicInteger();
  private final SeedingProcessorFactory.Run run = new SeedingProcessorFactory.Run(finalized::incrementAndGet);

  @Test
  void aRunThatSeedsIsFinalizedByItsStop() {
    run.startSeeding();
    run.chainEnded();
    assertEquals(0, finalized.get(), "it seeds");
    run.result.complete(null);
    assertEquals(1, finalized.get());
  }

  /** The order that fired two torrent-stopped events: the stop came between the hand-off and the chain's end. */
  @Test
  void aStopAsSeedingBeginsFinalizesOnce() {
    run.startSeeding();
    run.result.complete(null);
    run.chainEnded();
    assertEquals(1, finalized.get());
  }

  @Test
  void aStopBeforeSeedingLeavesItToTheChainsEnd() {
    run.result.complete(null);
    assertEquals(0, finalized.get(), "the chain is still running");
    run.startSeeding();
    run.chainEnded();
    assertEquals(1, finalized.get());
  }

  @Test
  void aChainThatFailsIsFinalizedAtItsEndAndNotAgainByTheStop() {
    run.chainEnded();
    assertEquals(1, finalized.get());
    run.result.completeExceptionally(new IllegalStateException("failed"));
    assertEquals(1, finalized.get());
  }
}
