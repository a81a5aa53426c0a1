package org.charkha.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.charkha.store.DataDir;
import org.charkha.swarm.SwarmConfig;
import org.charkha.sync.FeedQuota;
import org.charkha.sync.SyncEngine;

/**
 * A real node (bt, files, SQLite, push) on 127.0.0.1 without a DHT, for tests and benchmarks that
 * hand items over themselves, as a DHT get would. Polls and republishing are hourly, so nothing
 * happens that the caller did not start; peers are looked for every second.
 */
public record LoopbackNode(Node node, SwarmNetwork network, int port) {

  /** Starts a node in {@code home} whose downloads give up after {@code downloadTimeout}. */
  public static LoopbackNode start(Path home, Duration downloadTimeout) throws IOException {
    return start(home, downloadTimeout, Duration.ofSeconds(1), FeedQuota.DEFAULT);
  }

  /**
   * As {@link #start(Path, Duration)}; an older version seeds on for {@code oldVersionGrace} after
   * a new one, and followed feeds are held to {@code quota}.
   */
  public static LoopbackNode start(Path home, Duration downloadTimeout, Duration oldVersionGrace, FeedQuota quota)
      throws IOException {
    int port = freePort();
    DataDir data = DataDir.open(home);
    SwarmConfig config = SwarmConfig.builder(port, data.home().resolve("swarm"))
        .bindAddress(InetAddress.getLoopbackAddress())
        .dht(false).publicBootstrap(false).lsd(false)
        .peerDiscoveryInterval(Duration.ofSeconds(1))
        .build();
    SyncEngine.Config sync = new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), downloadTimeout,
        oldVersionGrace, quota);
    SwarmNetwork network = SwarmNetwork.start(config, true, downloadTimeout);
    try {
      return new LoopbackNode(Node.start(data, network, sync), network, port);
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
  }

  /** Where peers reach this node. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** A TCP port free on 127.0.0.1 right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
