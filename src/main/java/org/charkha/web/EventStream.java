package org.charkha.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The open Server-Sent Event streams. An exchange handed over here stays open after its handler
 * returns; one thread writes to all of them, so open streams hold no request threads. Bursts of
 * changes are coalesced into one "change" event per {@link #COALESCE_MILLIS}.
 */
final class EventStream implements AutoCloseable {
  /**
   * Open streams at most: a few tabs need a few, and each holds a socket. A new stream beyond
   * this closes the oldest, not itself: a closed tab is noticed only when a write to it fails
   * (up to {@link #KEEP_ALIVE_SECONDS} later), and a browser's EventSource gives up for good on
   * a refusal, while the oldest one, if still alive, reconnects.
   */
  static final int MAX_CLIENTS = 8;
  static final long COALESCE_MILLIS = 200;
  static final long KEEP_ALIVE_SECONDS = 15;

  private static final byte[] CHANGE = "event: change\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PING = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

  private final List<HttpExchange> clients = new ArrayList<>();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "charkha-web-events");
    t.setDaemon(true);
    return t;
  });

  EventStream() {
    writer.scheduleWithFixedDelay(() -> send(PING), KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
  }

  /** Takes over {@code ex} and starts its stream; when full, the oldest stream is closed. */
  void open(HttpExchange ex) throws IOException {
    HttpExchange oldest = null;
    synchronized (clients) {
      if (clients.size() >= MAX_CLIENTS) {
        oldest = clients.remove(0);
      }
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      // The client reconnects 3 s after a drop; the comment makes it see the stream open at once.
      out.write("retry: 3000\n: open\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      clients.add(ex);
    }
    if (oldest != null) {
      oldest.close();
    }
  }

  /** Called by the app on any change, from any thread; returns at once. */
  void changed() {
    if (pending.compareAndSet(false, true)) {
      try {
        writer.schedule(() -> {
          pending.set(false);
          send(CHANGE);
        }, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed: nobody is listening any more
      }
    }
  }

  int size() {
    synchronized (clients) {
      return clients.size();
    }
  }

  private void send(byte[] message) {
    List<HttpExchange> snapshot;
    synchronized (clients) {
      snapshot = List.copyOf(clients);
    }
    for (HttpExchange ex : snapshot) {
      try {
        OutputStream out = ex.getResponseBody();
        out.write(message);
        out.flush();
      } catch (IOException e) {
        drop(ex); // the tab went away
      }
    }
  }

  private void drop(HttpExchange ex) {
    synchronized (clients) {
      clients.remove(ex);
    }
    ex.close();
  }

  @Override
  public void close() {
    writer.shutdownNow();
    List<HttpExchange> all;
    synchronized (clients) {
      all = List.copyOf(clients);
      clients.clear();
    }
    all.forEach(HttpExchange::close);
  }
}
