package org.charkha.sync;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs background DHT work (polls of followed feeds, republishing their items) at a bounded rate,
 * oldest first. Every job is one DHT lookup of some 20 to 60 packets; a node following a thousand
 * feeds would otherwise send a thousand lookups in one burst every poll interval, which DHT nodes
 * answer by dropping its packets (mldht accepts about 2 per second per address, libtorrent 5) and
 * which no user wants on their uplink. With the rate bounded, each feed is still polled in turn:
 * every {@code max(poll interval, feeds / rate)}.
 *
 * <p>Jobs carry a key, and a key already waiting is not queued twice, so a feed whose poll has not
 * yet run does not pile up more polls. What a person asks for (following a feed, refreshing, the
 * own feed's announce) does not go through the pacer.
 */
final class DhtPacer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DhtPacer.class);

  private final Map<Object, Runnable> waiting = new LinkedHashMap<>();
  private final ScheduledFuture<?> ticks;

  DhtPacer(double jobsPerSecond, ScheduledExecutorService scheduler) {
    checkArgument(jobsPerSecond > 0, "rate must be positive, got %s", jobsPerSecond);
    long period = Math.max(1, Math.round(1_000_000 / jobsPerSecond));
    ticks = scheduler.scheduleAtFixedRate(this::runOne, period, period, TimeUnit.MICROSECONDS);
  }

  /** Queues {@code job} under {@code key}; false if a job with that key is already waiting. */
  synchronized boolean submit(Object key, Runnable job) {
    return waiting.putIfAbsent(key, job) == null;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  private void runOne() {
    Runnable job;
    synchronized (this) {
      Iterator<Runnable> it = waiting.values().iterator();
      if (!it.hasNext()) {
        return;
      }
      job = it.next();
      it.remove();
    }
    try {
      job.run();
    } catch (RuntimeException e) {
      log.warn("background DHT job failed", e); // the next tick goes on
    }
  }

  @Override
  public void close() {
    ticks.cancel(false);
  }
}
