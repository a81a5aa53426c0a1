package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IPeerConnectionFactory;
import bt.net.Peer;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.Test;

/** Both ways bt gets a peer socket give it with Nagle's algorithm off, before its handshake. */
class NoDelaySocketsTest {
  @Test
  void outgoingSocketsOpenWithNagleOff() throws Exception {
    try (SocketChannel plain = SelectorProvider.provider().openSocketChannel();
        SocketChannel ours = NoDelaySockets.provider(SelectorProvider.provider()).openSocketChannel()) {
      assertFalse(plain.getOption(StandardSocketOptions.TCP_NODELAY), "the JDK's default, which bt keeps");
      assertTrue(ours.getOption(StandardSocketOptions.TCP_NODELAY));
      assertSame(SelectorProvider.provider(), ours.provider(), "a plain JDK channel: bt's selector accepts it");
    }
  }

  @Test
  void incomingSocketsReachBtsFactoryWithNagleOff() throws Exception {
    boolean[] noDelay = new boolean[1];
    IPeerConnectionFactory bts = new IPeerConnectionFactory() {
      @Override
      public ConnectionResult createOutgoingConnection(Peer peer, TorrentId torrentId) {
        throw new AssertionError();
      }

      @Override
      public ConnectionResult createIncomingConnection(Peer peer, SocketChannel channel) {
        try {
          noDelay[0] = channel.getOption(StandardSocketOptions.TCP_NODELAY);
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
        return ConnectionResult.failure("test");
      }
    };
    try (SocketChannel accepted = SelectorProvider.provider().openSocketChannel()) {
      NoDelaySockets.factory(bts).createIncomingConnection(null, accepted);
    }
    assertTrue(noDelay[0]);
  }
}
