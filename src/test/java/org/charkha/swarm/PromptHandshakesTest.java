package org.charkha.swarm;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionHandler;
import bt.net.ConnectionKey;
import bt.net.IConnectionHandlerFactory;
import bt.net.InetPeer;
import bt.net.PeerConnection;
import bt.protocol.KeepAlive;
import bt.protocol.Message;
import java.net.InetAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handshake sees the peer's first message soon after it arrives, not at bt's next 100 ms step,
 * and still gives up at the handshake timeout or when the connection closes.
 */
class PromptHandshakesTest {
  private final ScheduledExecutorService peer = Executors.newSingleThreadScheduledExecutor();
  private final FakeConnection connection = new FakeConnection(key());

  @AfterEach
  void stopPeer() {
    peer.shutdownNow();
  }

  @Test
  void aMessageArrivingDuringTheWaitIsSeenWellBeforeBtsFirstStep() throws Exception {
    Message handshake = KeepAlive.instance();
    peer.schedule(() -> connection.inbound.add(handshake), 20, TimeUnit.MILLISECONDS);
    long t0 = System.nanoTime();
    Message read = handshakeRead(10_000);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertSame(handshake, read);
    assertTrue(millis < 100, "read after " + millis + " ms; bt's own wait is 100 ms before it looks again");
  }

  @Test
  void noMessageMeansNullAtTheTimeout() throws Exception {
    long t0 = System.nanoTime();
    assertNull(handshakeRead(200));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(millis >= 200 && millis < 2_000, "gave up after " + millis + " ms");
  }

  @Test
  void aClosedConnectionEndsTheWait() throws Exception {
    peer.schedule(connection::closeQuietly, 20, TimeUnit.MILLISECONDS);
    long t0 = System.nanoTime();
    assertNull(handshakeRead(10_000));
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 2_000, "the wait ended with the connection");
  }

  /** What bt's handshake handler reads through the factory's handler. */
  private Message handshakeRead(long timeoutMillis) {
    Message[] read = new Message[1];
    ConnectionHandler reading = c -> {
      try {
        read[0] = c.readMessage(timeoutMillis);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      return true;
    };
    IConnectionHandlerFactory bts = new IConnectionHandlerFactory() {
      @Override
      public ConnectionHandler getIncomingHandler() {
        return reading;
      }

      @Override
      public ConnectionHandler getOutgoingHandler(TorrentId torrentId) {
        return reading;
      }
    };
    new PromptHandshakes(bts).getIncomingHandler().handleConnection(connection);
    return read[0];
  }

  private static ConnectionKey key() {
    try {
      return new ConnectionKey(InetPeer.build(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 9}), 6881), 6881,
          TorrentId.fromBytes(new byte[20]));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
