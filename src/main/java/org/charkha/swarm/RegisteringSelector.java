package org.charkha.swarm;

import bt.net.SharedSelector;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;

/**
 * bt's connection selector, with channel registration that never waits for the selecting thread.
 * bt 1.10's {@link SharedSelector} makes a registering thread spin on {@code tryLock} until the
 * data-receiving thread, which re-takes the lock every millisecond while peers send, lets go; on
 * one busy core it never does, and no new connection of the runtime completes (fixed on bt's
 * master by #252, not released). Since Java 11 {@code register} does not block on a selector in
 * {@code select} (JDK-8201315), so registering and then waking the selector is enough.
 */
final class RegisteringSelector extends SharedSelector {
  private final Selector delegate;

  RegisteringSelector(Selector delegate) {
    super(delegate);
    this.delegate = delegate;
  }

  @Override
  public void wakeupAndRegister(SelectableChannel channel, int ops, Object attachment) {
    try {
      channel.register(delegate, ops, attachment);
    } catch (ClosedChannelException e) {
      throw new RuntimeException("Failed to register channel", e); // as bt's, which callers expect
    }
    delegate.wakeup(); // a select in progress picks the new key up only when it starts again
  }
}
