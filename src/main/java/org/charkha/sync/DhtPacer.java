package org.charkha.sync;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs background DHT work (polls of followed feeds, republishing their items) at a bounded rate
 * and with a bounded number in flight, oldest first. Every job is one DHT lookup of some 20 to 60
 * packets; a node following a thousand feeds would otherwise send a thousand lookups in one burst
 * every poll interval, which DHT nodes answer by dropping its packets (mldht accepts about 2 per
 * second per address, libtorrent 5) and which no user wants on their uplink. The bound in flight
 * keeps the DHT's own queue short: mldht runs 7 lookups at a time and queues the rest, so lookups
 * that take long (unanswered queries wait for their timeout) would otherwise pile up until the
 * node's own announces wait minutes behind stale polls. With both bounds each feed is still polled
 * in turn, every {@code max(poll interval, feeds / rate)} or longer when lookups are slow.
 *
 * <p>Jobs carry a key, and a key already waiting is not queued twice, so a feed whose poll has not
 * yet run does not pile up more polls. What a person asks for (following a feed, refreshing, the
 * own feed's announce) does not go through the pacer.
 */
final class DhtPacer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DhtPacer.class);

  /** mldht ends a lookup within about two minutes; a job is not counted in flight for longer. */
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

  private final Map<Object, Supplier<? extends CompletionStage<?>>> waiting = new LinkedHashMap<>();
  private final int maxInFlight;
  private final Duration jobTimeout;
  private int inFlight;
  private final ScheduledFuture<?> ticks;

  /** Starts at most {@code jobsPerSecond} jobs a second, and none while {@code maxInFlight} run. */
  DhtPacer(double jobsPerSecond, int maxInFlight, ScheduledExecutorService scheduler) {
    this(jobsPerSecond, maxInFlight, JOB_TIMEOUT, scheduler);
  }

  /** As above; a job whose stage has not completed after {@code jobTimeout} frees its slot. */
  DhtPacer(double jobsPerSecond, int maxInFlight, Duration jobTimeout, ScheduledExecutorService scheduler) {
    checkArgument(jobsPerSecond > 0, "rate must be positive, got %s", jobsPerSecond);
    checkArgument(maxInFlight > 0, "jobs in flight must be positive, got %s", maxInFlight);
    this.maxInFlight = maxInFlight;
    this.jobTimeout = jobTimeout;
    long period = Math.max(1, Math.round(1_000_000 / jobsPerSecond));
    ticks = scheduler.scheduleAtFixedRate(this::startOne, period, period, TimeUnit.MICROSECONDS);
  }

  /**
   * Queues {@code job} under {@code key}; false if a job with that key is already waiting. The job
   * counts as in flight until the stage it returns completes.
   */
  synchronized boolean submit(Object key, Supplier<? extends CompletionStage<?>> job) {
    return waiting.putIfAbsent(key, job) == null;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  synchronized int inFlight() {
    return inFlight;
  }

  private void startOne() {
    Supplier<? extends CompletionStage<?>> job;
    synchronized (this) {
      Iterator<Supplier<? extends CompletionStage<?>>> it = waiting.values().iterator();
      if (inFlight >= maxInFlight || !it.hasNext()) {
        return;
      }
      job = it.next();
      it.remove();
      inFlight++;
    }
    try {
      // A copy times out, not the job's own stage: a lookup that never ends must not hold a slot forever.
      job.get().toCompletableFuture().copy().orTimeout(jobTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((r, e) -> finished());
    } catch (RuntimeException e) {
      finished();
      log.warn("background DHT job failed", e); // the next tick goes on
    }
  }

  private synchronized void finished() {
    inFlight--;
  }

  @Override
  public void close() {
    ticks.cancel(false);
  }
}
