package org.charkha.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionHandler;
import bt.net.IConnectionHandlerFactory;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Message;
import java.io.IOException;

/**
 * bt's handshakes without their 100 ms naps. bt 1.10 reads a new connection's first message with
 * {@code SocketPeerConnection.readMessage(timeout)}, which waits for it on a condition that
 * nothing signals, in steps of 100 ms: both ends of every new connection lost up to 100 ms
 * before the peer's handshake, which bt's selector had long delivered (on loopback, 110 of the
 * 135 ms from asking a peer for a feed to its metadata). The handshake handlers here see the
 * connection through a view whose {@code readMessage} looks for the message after 1 ms, then
 * after 2, 4 ... 16 ms, until the same timeout.
 */
final class PromptHandshakes implements IConnectionHandlerFactory {
  private static final long MAX_POLL_MILLIS = 16;

  private final IConnectionHandlerFactory handlers;

  PromptHandshakes(IConnectionHandlerFactory handlers) {
    this.handlers = handlers;
  }

  @Override
  public ConnectionHandler getIncomingHandler() {
    ConnectionHandler handler = handlers.getIncomingHandler();
    return connection -> handler.handleConnection(new PromptReads(connection));
  }

  @Override
  public ConnectionHandler getOutgoingHandler(TorrentId torrentId) {
    ConnectionHandler handler = handlers.getOutgoingHandler(torrentId);
    return connection -> handler.handleConnection(new PromptReads(connection));
  }

  /** The connection as the handshake sees it: the same in everything but the wait for a message. */
  static final class PromptReads implements PeerConnection {
    private final PeerConnection connection;

    PromptReads(PeerConnection connection) {
      this.connection = connection;
    }

    @Override
    public Message readMessage(long timeout) throws IOException {
      long deadline = System.nanoTime() + timeout * 1_000_000L;
      long pause = 1;
      for (;;) {
        Message message = connection.readMessageNow();
        if (message != null || connection.isClosed()) {
          return message;
        }
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
          return null;
        }
        try {
          Thread.sleep(Math.min(pause, Math.max(1, leftNanos / 1_000_000L)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
        pause = Math.min(pause * 2, MAX_POLL_MILLIS);
      }
    }

    @Override
    public Message readMessageNow() throws IOException {
      return connection.readMessageNow();
    }

    @Override
    public Peer getRemotePeer() {
      return connection.getRemotePeer();
    }

    @Override
    public int getRemotePort() {
      return connection.getRemotePort();
    }

    @Override
    public TorrentId setTorrentId(TorrentId torrentId) {
      return connection.setTorrentId(torrentId);
    }

    @Override
    public TorrentId getTorrentId() {
      return connection.getTorrentId();
    }

    @Override
    public void postMessage(Message message) throws IOException {
      connection.postMessage(message);
    }

    @Override
    public long getLastActive() {
      return connection.getLastActive();
    }

    @Override
    public void closeQuietly() {
      connection.closeQuietly();
    }

    @Override
    public boolean isClosed() {
      return connection.isClosed();
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }
}
