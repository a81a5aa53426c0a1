package org.charkha.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, so that {@code charkha run} stops its node and exits 0:
 * left to the JVM, they run the shutdown hooks and exit 143 or 130, which service managers and
 * scripts read as a failure. A second signal while the node stops exits at once.
 */
final class StopSignals {
  private final CountDownLatch received = new CountDownLatch(1);

  private StopSignals() {}

  /** Takes over SIGTERM and SIGINT for this JVM. */
  static StopSignals install() {
    StopSignals signals = new StopSignals();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), s -> {
        if (signals.received.getCount() == 0) {
          Runtime.getRuntime().halt(128 + s.getNumber()); // asked twice: the user wants out now
        }
        signals.received.countDown();
      });
    }
    return signals;
  }

  /** Returns once a stop signal has arrived. */
  void await() throws InterruptedException {
    received.await();
  }
}
