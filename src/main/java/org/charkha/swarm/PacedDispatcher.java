package org.charkha.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Message;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentRegistry;
import com.google.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In place of bt 1.10's message dispatcher: one thread that reads each connection's decoded
 * messages into its torrent's workers and asks them for the next message to send. bt's visits
 * every connection on every pass, at least every {@code maxMessageProcessingInterval} (10 ms
 * here, for catch-up speed), and asking a worker runs all of its torrent's message producers: a
 * node following 1,000 feeds holds hundreds of connections kept open for pushes, and walking them
 * 100 times a second was most of its idle CPU. Here a connection that moved no message for 2 s
 * is visited every 250 ms ({@link Pace}), and sooner when bytes arrive on any connection or an
 * item is to be pushed ({@link DispatchSignal}); connections that move messages are visited on
 * every pass, as bt's are.
 *
 * <p>It also fixes two defects of bt 1.10's: entries of closed connections were never removed (the
 * maps grew with every connection ever made), and a peer that reconnected got a second consumer,
 * so each of its messages was handed to its worker twice.
 */
final class PacedDispatcher implements IMessageDispatcher {
  private static final Logger log = LoggerFactory.getLogger(PacedDispatcher.class);

  /**
   * @param hotWindowNanos how long after its last message a connection is still visited on every pass
   * @param quietVisitNanos how often a quiet connection is visited
   * @param goneGraceNanos how long a route outlives its connection's last message (a connection
   *     may reach the pool after its route is added)
   */
  record Pace(long hotWindowNanos, long quietVisitNanos, long goneGraceNanos) {
    static final Pace DEFAULT = new Pace(TimeUnit.SECONDS.toNanos(2), TimeUnit.MILLISECONDS.toNanos(250),
        TimeUnit.SECONDS.toNanos(10));
  }

  private final Map<ConnectionKey, Route> routes = new ConcurrentHashMap<>();
  private final Function<ConnectionKey, PeerConnection> connections;
  private final Predicate<TorrentId> activeTorrent;
  private final DispatchSignal signal;
  private final long maxPauseMillis;
  private final Pace pace;
  private final Thread thread;
  private volatile boolean running = true;

  @Inject
  PacedDispatcher(IRuntimeLifecycleBinder lifecycle, IPeerConnectionPool pool, TorrentRegistry torrents,
      DispatchSignal signal, Config config) {
    this(pool::getConnection, torrents::isSupportedAndActive, signal, config.getMaxMessageProcessingInterval(),
        Pace.DEFAULT, config.getAcceptorPort() + ".charkha.dispatcher");
    lifecycle.onStartup("Start message dispatcher", this::start);
    lifecycle.onShutdown("Stop message dispatcher", this::stop);
  }

  PacedDispatcher(Function<ConnectionKey, PeerConnection> connections, Predicate<TorrentId> activeTorrent,
      DispatchSignal signal, Duration maxPause, Pace pace, String threadName) {
    this.connections = connections;
    this.activeTorrent = activeTorrent;
    this.signal = signal;
    this.maxPauseMillis = Math.max(1, maxPause.toMillis());
    this.pace = pace;
    this.thread = new Thread(this::loop, threadName);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() {
    running = false;
    thread.interrupt();
  }

  @Override
  public void addMessageConsumer(ConnectionKey key, Consumer<Message> consumer) {
    route(key).consumer = consumer; // a reconnected peer's new consumer replaces the old one
    signal.visitAll();
  }

  @Override
  public void addMessageSupplier(ConnectionKey key, Supplier<Message> supplier) {
    route(key).supplier = supplier;
    signal.visitAll();
  }

  private Route route(ConnectionKey key) {
    synchronized (routes) {
      Route r = routes.computeIfAbsent(key, k -> new Route());
      r.lastMoved = System.nanoTime(); // a new connection starts hot
      r.nextVisit = r.lastMoved;
      return r;
    }
  }

  int routeCount() {
    return routes.size();
  }

  private void loop() {
    long pauseMillis = 1;
    try {
      while (running) {
        int moved;
        try {
          moved = pass(signal.take());
        } catch (RuntimeException e) {
          // every connection of the runtime depends on this thread: never let one failure end it
          log.error("message dispatch pass failed", e);
          moved = 0;
        }
        if (moved > 0) {
          pauseMillis = 1;
        } else {
          signal.await(pauseMillis); // bt's back-off: 1, 2, 4 ... up to the configured bound
          pauseMillis = Math.min(pauseMillis * 2, maxPauseMillis);
        }
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  /** One walk over the connections; returns the number of messages read and written. */
  private int pass(DispatchSignal.Wake wake) {
    long now = System.nanoTime();
    int moved = 0;
    for (Map.Entry<ConnectionKey, Route> e : routes.entrySet()) {
      Route r = e.getValue();
      boolean due = wake == DispatchSignal.Wake.VISIT_ALL || now - r.nextVisit >= 0;
      if (!due && wake != DispatchSignal.Wake.DATA_ARRIVED) {
        continue;
      }
      ConnectionKey key = e.getKey();
      PeerConnection connection = connections.apply(key);
      if (connection == null || connection.isClosed()) {
        removeIfGone(key, r, now);
        continue;
      }
      if (!activeTorrent.test(key.getTorrentId())) {
        continue;
      }
      int n = receive(key, r, connection);
      if (due) {
        n += send(r, connection);
      }
      if (n > 0) {
        r.lastMoved = now;
      }
      if (due || n > 0) {
        r.nextVisit = now - r.lastMoved < pace.hotWindowNanos() ? now : now + pace.quietVisitNanos();
      }
      moved += n;
    }
    return moved;
  }

  private static int receive(ConnectionKey key, Route r, PeerConnection connection) {
    Consumer<Message> consumer = r.consumer;
    if (consumer == null) {
      return 0;
    }
    int n = 0;
    for (;;) {
      Message message;
      try {
        message = connection.readMessageNow();
      } catch (Exception ex) {
        log.debug("cannot read a message from {}: {}", key.getPeer(), ex.toString());
        return n;
      }
      if (message == null) {
        return n;
      }
      n++;
      try {
        consumer.accept(message);
      } catch (Exception ex) {
        log.warn("message consumer failed on a message from {}", key.getPeer(), ex);
      }
    }
  }

  private static int send(Route r, PeerConnection connection) {
    Supplier<Message> supplier = r.supplier;
    if (supplier == null) {
      return 0;
    }
    Message message;
    try {
      message = supplier.get(); // one message per visit, as bt's: the next pass comes at once
    } catch (Exception ex) {
      log.warn("message supplier failed", ex);
      return 0;
    }
    if (message == null) {
      return 0;
    }
    try {
      connection.postMessage(message);
    } catch (Exception ex) {
      log.debug("cannot send a message: {}", ex.toString());
    }
    return 1;
  }

  private void removeIfGone(ConnectionKey key, Route r, long now) {
    if (now - r.lastMoved < pace.goneGraceNanos()) {
      return;
    }
    synchronized (routes) { // a reconnection re-adds under the same lock
      PeerConnection connection = connections.apply(key);
      if ((connection == null || connection.isClosed()) && System.nanoTime() - r.lastMoved >= pace.goneGraceNanos()) {
        routes.remove(key);
      }
    }
  }

  private static final class Route {
    volatile Consumer<Message> consumer;
    volatile Supplier<Message> supplier;
    volatile long lastMoved;
    volatile long nextVisit;
  }
}
