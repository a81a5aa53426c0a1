package org.charkha.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IPeerConnectionFactory;
import bt.net.Peer;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * Peer connections with Nagle's algorithm off. bt writes every message with a write call of its
 * own, and a message small next to the link's segment size (on loopback even a 16 KiB block is)
 * written while the previous one is unacknowledged waits for the peer's delayed ACK: 40 ms on
 * Linux, more than the rest of a one-piece update on a fast link. BitTorrent clients such as
 * libtorrent turn Nagle off for the same reason.
 *
 * <p>bt opens outgoing connections with its selector's provider ({@link #provider}) and hands
 * incoming ones, accepted from a channel it opens itself, to its connection factory
 * ({@link #factory}); those are the two places where a socket can be set before its handshake.
 */
final class NoDelaySockets {
  private NoDelaySockets() {}

  static SocketChannel noDelay(SocketChannel channel) {
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException | UnsupportedOperationException e) {
      // a channel closed meanwhile fails its handshake, which bt reports
    }
    return channel;
  }

  /** {@code provider}, whose socket channels start with Nagle off. */
  static SelectorProvider provider(SelectorProvider provider) {
    return new SelectorProvider() {
      @Override
      public SocketChannel openSocketChannel() throws IOException {
        return noDelay(provider.openSocketChannel());
      }

      @Override
      public ServerSocketChannel openServerSocketChannel() throws IOException {
        return provider.openServerSocketChannel();
      }

      @Override
      public DatagramChannel openDatagramChannel() throws IOException {
        return provider.openDatagramChannel();
      }

      @Override
      public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return provider.openDatagramChannel(family);
      }

      @Override
      public Pipe openPipe() throws IOException {
        return provider.openPipe();
      }

      @Override
      public AbstractSelector openSelector() throws IOException {
        return provider.openSelector();
      }
    };
  }

  /** {@code factory}, turning Nagle off on incoming connections before their handshake. */
  static IPeerConnectionFactory factory(IPeerConnectionFactory factory) {
    return new IPeerConnectionFactory() {
      @Override
      public ConnectionResult createOutgoingConnection(Peer peer, TorrentId torrentId) {
        return factory.createOutgoingConnection(peer, torrentId);
      }

      @Override
      public ConnectionResult createIncomingConnection(Peer peer, SocketChannel channel) {
        return factory.createIncomingConnection(peer, noDelay(channel));
      }
    };
  }
}
