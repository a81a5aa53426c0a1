package org.charkha.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.charkha.feed.FeedLink;
import org.charkha.node.Node;
import org.charkha.node.NodeInfo;
import org.charkha.node.NodeLock;
import org.charkha.node.SwarmNetwork;
import org.charkha.store.DataDir;
import org.charkha.swarm.QuietShutdown;
import org.charkha.swarm.SwarmConfig;
import org.charkha.sync.SyncEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code charkha run}: the long-running node. */
@Command(name = "run", description = "Run your node: publish your feed, follow others, serve the web UI.")
final class Run extends Cli.Base {
  @Option(names = "--port", description = "BitTorrent (TCP) and DHT (UDP) port (default: ${DEFAULT-VALUE}).")
  int port = 6881;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Listen on this address only (default: all).")
  String bind;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "A DHT node to join through (repeatable).")
  List<String> bootstrap = new ArrayList<>();

  @Option(names = "--no-public-bootstrap", description = "Do not join through the public mainline routers (private swarms).")
  boolean noPublicBootstrap;

  @Option(names = "--poll", paramLabel = "SECONDS", description = "How often to look up each followed feed in the DHT (default: ${DEFAULT-VALUE});"
      + " background lookups are paced at 4 per second, so with many feeds each waits its turn.")
  int pollSeconds = 60;

  /** Hidden: tests and private swarms shorten it; BEP 44 nodes keep an item about two hours. */
  @Option(names = "--republish", paramLabel = "SECONDS", hidden = true,
      description = "How often to re-put the own item and each followed feed's item in the DHT (default: ${DEFAULT-VALUE}).")
  int republishSeconds = 3600;

  @Option(names = "--no-push", description = "Do not send or act on push messages; rely on DHT polling alone.")
  boolean noPush;

  @Option(names = "--no-lsd", description = "Turn off local service discovery (BEP 14 multicast on the LAN).")
  boolean noLsd;

  @Option(names = "--web-port", description = "Port of the web UI on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int webPort = 7881;

  @Override
  public Integer call() throws Exception {
    if (pollSeconds < 1) {
      throw new IllegalArgumentException("--poll must be at least 1 second");
    }
    if (republishSeconds < 1) {
      throw new IllegalArgumentException("--republish must be at least 1 second, got " + republishSeconds);
    }
    DataDir data = data();
    NodeLock lock = NodeLock.acquire(data.home()); // before the network: a second node must not touch the DHT state
    Node node;
    try {
      checkPorts();
      node = start(data);
    } catch (Exception e) {
      lock.close();
      throw e;
    }
    AtomicReference<NodeInfo> info = new AtomicReference<>();
    Runnable stop = new Runnable() {
      private boolean done;

      @Override
      public synchronized void run() { // once, whether a signal or the shutdown hook comes first
        if (done) {
          return;
        }
        done = true;
        out().println("Stopping...");
        out().flush();
        QuietShutdown.silenceAcceptorLog();
        node.close();
        try {
          if (info.get() != null) {
            info.get().removeIfOurs(data.home());
          }
          lock.close(); // last: node.json goes while no other node can have written its own
        } catch (java.io.IOException ignored) {
          // node.json is only a hint, detected as stale by its pid; the lock dies with the process
        }
      }
    };
    // SIGTERM and SIGINT stop here and exit 0; the hook covers every other way out (SIGHUP, exit).
    StopSignals signals = StopSignals.install();
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "charkha-shutdown"));
    org.charkha.web.WebServer web = node.startWeb(webPort);
    info.set(new NodeInfo(ProcessHandle.current().pid(), port, web.getPort(), web.token()));
    info.get().write(data.home());
    out().println("Charkha node running. Feed: " + new FeedLink(node.own().feed(), Optional.empty()));
    out().println("Port " + port + " (BitTorrent TCP and DHT UDP), data in " + data.home());
    out().println("Web UI: " + web.url());
    out().flush();
    signals.await();
    stop.run();
    return 0;
  }

  private void checkPorts() throws java.net.UnknownHostException {
    // the addresses SwarmEngine binds: --bind, else the IPv4 wildcard
    InetAddress address = InetAddress.getByAddress(bind == null ? new byte[4] : InetAddress.getByName(bind).getAddress());
    PortCheck.tcp(address, port, "BitTorrent", "--port");
    PortCheck.udp(address, port, "DHT", "--port");
    if (webPort != 0) {
      PortCheck.tcp(InetAddress.getLoopbackAddress(), webPort, "web UI", "--web-port");
    }
  }

  private Node start(DataDir data) throws Exception {
    SwarmConfig.Builder swarm = SwarmConfig.builder(port, data.home().resolve("swarm"))
        .publicBootstrap(!noPublicBootstrap)
        .lsd(!noLsd);
    if (bind != null) {
      swarm.bindAddress(InetAddress.getByName(bind));
    }
    for (String b : bootstrap) {
      swarm.bootstrapNode(b);
    }
    SyncEngine.Config syncConfig = new SyncEngine.Config(Duration.ofSeconds(pollSeconds),
        Duration.ofSeconds(republishSeconds), Duration.ofMinutes(10), Duration.ofSeconds(30));
    SwarmNetwork network = SwarmNetwork.start(swarm.build(), !noPush, syncConfig.downloadTimeout());
    try {
      return Node.start(data, network, syncConfig);
    } catch (Exception e) {
      network.close();
      throw e;
    }
  }
}
