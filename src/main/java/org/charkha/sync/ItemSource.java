package org.charkha.sync;

import java.util.Locale;

/** How a node learned of a feed's new signed item. */
public enum ItemSource {
  /** A push message from a peer in the feed's swarm. */
  PUSH,
  /** The node's own periodic DHT lookup. */
  POLL,
  /** Anything else: a caller's offer (tests, the refresh of a stored copy). */
  OTHER;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
