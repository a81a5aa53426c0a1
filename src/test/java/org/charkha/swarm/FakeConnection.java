package org.charkha.swarm;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Message;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A peer connection for tests of what drives bt's connections (bt's own needs a live socket and its
 * whole pipeline): decoded inbound messages wait in a queue, as bt's do, and sent ones are kept.
 */
final class FakeConnection implements PeerConnection {
  final ConnectionKey key;
  final Queue<Message> inbound = new ConcurrentLinkedQueue<>();
  final Queue<Message> outbound = new ConcurrentLinkedQueue<>();
  volatile boolean closed;
  volatile long lastActive;

  FakeConnection(ConnectionKey key) {
    this.key = key;
  }

  @Override
  public Message readMessageNow() {
    return inbound.poll();
  }

  @Override
  public Message readMessage(long timeout) {
    return inbound.poll();
  }

  @Override
  public void postMessage(Message message) {
    outbound.add(message);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void closeQuietly() {
    closed = true;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public Peer getRemotePeer() {
    return key.getPeer();
  }

  @Override
  public int getRemotePort() {
    return key.getRemotePort();
  }

  @Override
  public TorrentId setTorrentId(TorrentId torrentId) {
    return key.getTorrentId();
  }

  @Override
  public TorrentId getTorrentId() {
    return key.getTorrentId();
  }

  @Override
  public long getLastActive() {
    return lastActive;
  }
}
