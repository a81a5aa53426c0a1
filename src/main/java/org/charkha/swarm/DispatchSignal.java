package org.charkha.swarm;

/**
 * Wakes {@link PacedDispatcher} before its pause ends: when bytes arrived on some connection
 * (its messages are waiting to be read) or when something new is to be sent on connections that
 * it visits only now and then (a pushed item).
 */
final class DispatchSignal {
  private boolean dataArrived;
  private boolean visitAll;

  /** Bytes were read from a connection: read every connection's waiting messages on the next pass. */
  synchronized void dataArrived() {
    dataArrived = true;
    notifyAll();
  }

  /** Something may be waiting to be sent anywhere: visit every connection on the next pass. */
  synchronized void visitAll() {
    visitAll = true;
    notifyAll();
  }

  /** Waits at most {@code millis} for a signal, unless one came since the last {@link #take}. */
  synchronized void await(long millis) throws InterruptedException {
    if (!dataArrived && !visitAll) {
      wait(millis);
    }
  }

  /** What was signalled since the last call, cleared. */
  synchronized Wake take() {
    Wake w = visitAll ? Wake.VISIT_ALL : dataArrived ? Wake.DATA_ARRIVED : Wake.NONE;
    dataArrived = false;
    visitAll = false;
    return w;
  }

  enum Wake { NONE, DATA_ARRIVED, VISIT_ALL }
}
