package org.charkha.swarm;

import bt.net.SharedSelector;
import bt.net.pipeline.ChannelHandlerContext;
import bt.net.pipeline.ChannelPipeline;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;

/**
 * bt's connection selector, with channel registration that never waits for the selecting thread.
 * bt 1.10's {@link SharedSelector} makes a registering thread spin on {@code tryLock} until the
 * data-receiving thread, which re-takes the lock every millisecond while peers send, lets go; on
 * one busy core it never does, and no new connection of the runtime completes (fixed on bt's
 * master by #252, not released). Since Java 11 {@code register} does not block on a selector in
 * {@code select} (JDK-8201315), so registering and then waking the selector is enough.
 *
 * <p>Each connection's reads also signal the message dispatcher ({@link PacedDispatcher}), which
 * would otherwise find a quiet connection's new messages only on its next slow visit.
 */
final class RegisteringSelector extends SharedSelector {
  private final Selector delegate;
  private final DispatchSignal signal;
  private final SelectorProvider provider;

  RegisteringSelector(Selector delegate, DispatchSignal signal) {
    super(delegate);
    this.delegate = delegate;
    this.signal = signal;
    this.provider = NoDelaySockets.provider(delegate.provider());
  }

  /** bt opens outgoing connections with this: they start with Nagle off ({@link NoDelaySockets}). */
  @Override
  public SelectorProvider provider() {
    return provider;
  }

  @Override
  public void wakeupAndRegister(SelectableChannel channel, int ops, Object attachment) {
    try {
      Object a = attachment instanceof ChannelHandlerContext
          ? new SignallingContext((ChannelHandlerContext) attachment, signal) : attachment;
      channel.register(delegate, ops, a);
    } catch (ClosedChannelException e) {
      throw new RuntimeException("Failed to register channel", e); // as bt's, which callers expect
    }
    delegate.wakeup(); // a select in progress picks the new key up only when it starts again
  }

  /** bt's data receiver reads a connection through its context: after each read, wake the dispatcher. */
  private static final class SignallingContext implements ChannelHandlerContext {
    private final ChannelHandlerContext context;
    private final DispatchSignal signal;

    SignallingContext(ChannelHandlerContext context, DispatchSignal signal) {
      this.context = context;
      this.signal = signal;
    }

    @Override
    public boolean readFromChannel() throws IOException {
      try {
        return context.readFromChannel();
      } finally {
        signal.dataArrived();
      }
    }

    @Override
    public ChannelPipeline pipeline() {
      return context.pipeline();
    }

    @Override
    public void fireChannelRegistered() {
      context.fireChannelRegistered();
    }

    @Override
    public void fireChannelUnregistered() {
      context.fireChannelUnregistered();
    }

    @Override
    public void fireChannelActive() {
      context.fireChannelActive();
    }

    @Override
    public void fireChannelInactive() {
      context.fireChannelInactive();
    }

    @Override
    public void fireDataReceived() {
      context.fireDataReceived();
    }
  }
}
