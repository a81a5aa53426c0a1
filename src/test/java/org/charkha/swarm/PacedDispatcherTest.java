package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.KeepAlive;
import bt.protocol.Message;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's pacing, against connections that queue messages as bt's do (bt's connection
 * needs a live socket and its whole pipeline; its two calls the dispatcher makes are all that
 * matter here).
 */
class PacedDispatcherTest {
  private static final PacedDispatcher.Pace PACE = new PacedDispatcher.Pace(
      TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.MILLISECONDS.toNanos(300));
  /** Quiet connections visited every 10 s: whatever is handled sooner was woken. */
  private static final PacedDispatcher.Pace SLOW = new PacedDispatcher.Pace(
      TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(300));

  private final Map<ConnectionKey, FakeConnection> pool = new ConcurrentHashMap<>();
  private final DispatchSignal signal = new DispatchSignal();
  private final PacedDispatcher dispatcher = new PacedDispatcher(pool::get, t -> true, signal,
      Duration.ofMillis(10), PACE, "test.dispatcher");
  private final PacedDispatcher slowDispatcher = new PacedDispatcher(pool::get, t -> true, signal,
      Duration.ofMillis(10), SLOW, "test.slow-dispatcher");

  @AfterEach
  void stop() {
    dispatcher.stop();
    slowDispatcher.stop();
  }

  @Test
  void aQuietConnectionIsAskedForMessagesSeldom() throws Exception {
    ConnectionKey key = connect(1);
    AtomicInteger asked = new AtomicInteger();
    dispatcher.addMessageSupplier(key, () -> {
      asked.incrementAndGet();
      return null;
    });
    dispatcher.start();
    Thread.sleep(400); // past the hot window
    int before = asked.get();
    Thread.sleep(1000);
    int inOneSecond = asked.get() - before;
    // bt's dispatcher asks every 10 ms when nothing moves: 100 times a second
    assertTrue(inOneSecond >= 2 && inOneSecond <= 8, "asked " + inOneSecond + " times in 1 s");
  }

  @Test
  void aMessageArrivingOnAQuietConnectionIsReadAtOnce() throws Exception {
    ConnectionKey key = connect(1);
    Queue<Message> consumed = new ConcurrentLinkedQueue<>();
    slowDispatcher.addMessageConsumer(key, consumed::add);
    slowDispatcher.start();
    Thread.sleep(400); // past the hot window: the next visit is 10 s away
    pool.get(key).inbound.add(KeepAlive.instance());
    long millis = millisUntil(() -> !consumed.isEmpty(), signal::dataArrived); // as the selector after a read
    assertTrue(millis < 1_000, "read after " + millis + " ms");
  }

  @Test
  void somethingToPushIsAskedForAtOnce() throws Exception {
    ConnectionKey key = connect(1);
    AtomicInteger pending = new AtomicInteger();
    slowDispatcher.addMessageSupplier(key, () -> pending.getAndSet(0) > 0 ? KeepAlive.instance() : null);
    slowDispatcher.start();
    Thread.sleep(400);
    pending.set(1);
    long millis = millisUntil(() -> !pool.get(key).outbound.isEmpty(), signal::visitAll); // as the push agent
    assertTrue(millis < 1_000, "sent after " + millis + " ms");
  }

  @Test
  void aReconnectedPeerGetsEachMessageOnce() throws Exception {
    ConnectionKey key = connect(1);
    AtomicInteger consumed = new AtomicInteger();
    dispatcher.addMessageConsumer(key, m -> consumed.incrementAndGet());
    dispatcher.start();
    pool.put(key, new FakeConnection(key)); // the same peer, connected again: bt adds its consumer again
    dispatcher.addMessageConsumer(key, m -> consumed.incrementAndGet());
    pool.get(key).inbound.add(KeepAlive.instance());
    signal.dataArrived();
    awaitTrue(() -> consumed.get() > 0);
    Thread.sleep(100);
    assertEquals(1, consumed.get());
  }

  @Test
  void closedConnectionsAreForgotten() throws Exception {
    for (int i = 1; i <= 20; i++) {
      dispatcher.addMessageSupplier(connect(i), () -> null);
    }
    dispatcher.start();
    pool.values().stream().limit(15).forEach(c -> c.closed = true);
    awaitTrue(() -> dispatcher.routeCount() == 5);
    Thread.sleep(500);
    assertEquals(5, dispatcher.routeCount());
  }

  @Test
  void busyConnectionsAreServedOnEveryPass() throws Exception {
    ConnectionKey key = connect(1);
    int blocks = 2_000;
    AtomicInteger left = new AtomicInteger(blocks);
    dispatcher.addMessageSupplier(key, () -> left.getAndDecrement() > 0 ? KeepAlive.instance() : null);
    long start = System.nanoTime();
    dispatcher.start();
    awaitTrue(() -> pool.get(key).outbound.size() == blocks);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 2_000, blocks + " messages took " + millis + " ms");
  }

  private ConnectionKey connect(int n) throws Exception {
    Peer peer = InetPeer.build(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, (byte) n}), 6881);
    ConnectionKey key = new ConnectionKey(peer, 6881, TorrentId.fromBytes(new byte[20]));
    pool.put(key, new FakeConnection(key));
    return key;
  }

  /** Runs {@code wake}, then waits for {@code condition}: how long it took. */
  private static long millisUntil(BooleanSupplier condition, Runnable wake) throws InterruptedException {
    long start = System.nanoTime();
    wake.run();
    awaitTrue(condition);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
      Thread.sleep(1);
    }
  }
}
