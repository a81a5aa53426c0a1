package org.charkha.dht;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import lbms.plugins.mldht.DHTConfiguration;
import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.DHT.DHTtype;
import lbms.plugins.mldht.kad.DHT.LogLevel;
import lbms.plugins.mldht.kad.DHTLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mainline DHT node (BEP 5), IPv4, on one UDP port, running mldht. Unlike bt-dht's stock
 * service it keeps its node id and routing table in {@code stateDir} across runs (BEP 5: "a node
 * should save its routing table and id"). It only knows mldht; bt wires it in elsewhere.
 *
 * <p>mldht ignores private and loopback addresses (10/8, 127/8, 172.16/12, 192.168/16) as nodes
 * and never binds a loopback socket, so a DHT needs globally routable addresses (in tests, the
 * 198.18.0.0/15 benchmarking range inside network namespaces).
 */
public final class DhtNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);
  /** Below this many routing table entries the bootstrap nodes are pinged again. */
  private static final int REBOOTSTRAP_BELOW = 8;

  static {
    DHT.setLogger(new Slf4jDhtLogger());
    DHT.setLogLevel(LOG.isTraceEnabled() ? LogLevel.Verbose : LOG.isDebugEnabled() ? LogLevel.Info : LogLevel.Error);
  }

  private final DHT dht;
  private final int port;
  private final List<InetSocketAddress> bootstrap;
  private volatile ScheduledFuture<?> rebootstrap;

  private DhtNode(DHT dht, int port, List<InetSocketAddress> bootstrap) {
    this.dht = dht;
    this.port = port;
    this.bootstrap = bootstrap;
  }

  /**
   * Starts a node. {@code bindAddress} null means any address (mldht then picks the default
   * route's address); {@code publicBootstrap} lets mldht use its built-in public routers
   * (router.bittorrent.com and others) and must be false in tests. {@code bootstrap} nodes are
   * pinged now and again later while the routing table is nearly empty; unresolved host names
   * are resolved when pinged.
   */
  public static DhtNode start(Path stateDir, InetAddress bindAddress, int port, boolean publicBootstrap,
      List<InetSocketAddress> bootstrap) {
    checkArgument(port > 0 && port < 65536, "DHT port must be 1..65535, got %s", port);
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create DHT state directory " + stateDir, e);
    }
    DHT dht = new DHT(DHTtype.IPV4_DHT);
    try {
      dht.start(new Configuration(stateDir, bindAddress, port, publicBootstrap));
    } catch (SocketException e) {
      throw new UncheckedIOException("cannot start DHT on UDP port " + port, e);
    }
    DhtNode node = new DhtNode(dht, port, List.copyOf(bootstrap));
    boolean active = node.awaitSocket(2, TimeUnit.SECONDS);
    LOG.info("DHT node {} on UDP port {}, socket {}, {} routing table entries restored from {}", dht.getOurID(),
        port, active ? "active" : "not active yet", node.routingTableSize(), stateDir);
    if (dht.getServerManager().getServerCount() == 0) {
      LOG.warn("DHT on port {} has no socket: mldht binds no loopback or private address", port);
    }
    node.bootstrapNow();
    node.scheduleRebootstrap(1);
    return node;
  }

  private boolean awaitSocket(long time, TimeUnit unit) {
    try {
      dht.getServerManager().awaitActiveServer().get(time, unit);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Pings a node; it enters our routing table once it answers (BEP 5). */
  public void addNode(InetSocketAddress node) {
    dht.addDHTNode(node.getHostString(), node.getPort());
  }

  private void bootstrapNow() {
    for (InetSocketAddress b : bootstrap) {
      try {
        addNode(b);
      } catch (RuntimeException e) { // e.g. an unresolvable host name
        LOG.debug("bootstrap node {} skipped: {}", b, e.toString());
      }
    }
  }

  // 1, 2, 4, ... 32 s, then every minute, while the table is nearly empty: mldht only pings a node
  // once, and a node that was not up yet (or a socket not yet active) is otherwise never retried.
  private void scheduleRebootstrap(long delaySeconds) {
    if (bootstrap.isEmpty() || !dht.isRunning()) {
      return;
    }
    rebootstrap = dht.getScheduler().schedule(() -> {
      if (!dht.isRunning()) {
        return;
      }
      if (routingTableSize() < REBOOTSTRAP_BELOW) {
        bootstrapNow();
      }
      scheduleRebootstrap(Math.min(delaySeconds * 2, 60));
    }, delaySeconds, TimeUnit.SECONDS);
  }

  /** The mldht instance, for BEP 44 ({@link Bep44}) and peer lookups. */
  public DHT dht() {
    return dht;
  }

  public int port() {
    return port;
  }

  /** The UDP address the node is bound to, if it has a socket. */
  public Optional<InetSocketAddress> boundAddress() {
    return dht.getServerManager().getAllServers().stream().findFirst()
        .map(s -> new InetSocketAddress(s.getBindAddress(), port));
  }

  public int routingTableSize() {
    return dht.isRunning() ? dht.getNode().getNumEntriesInRoutingTable() : 0;
  }

  /** Stops the node; mldht writes the routing table to the state directory on stop. */
  @Override
  public void close() {
    ScheduledFuture<?> r = rebootstrap;
    if (r != null) {
      r.cancel(false);
    }
    if (dht.isRunning()) {
      dht.stop();
    }
  }

  private record Configuration(Path stateDir, InetAddress bindAddress, int port, boolean publicBootstrap)
      implements DHTConfiguration {
    @Override
    public boolean isPersistingID() {
      return true;
    }

    @Override
    public Path getStoragePath() {
      return stateDir;
    }

    @Override
    public int getListeningPort() {
      return port;
    }

    @Override
    public boolean noRouterBootstrap() {
      return !publicBootstrap;
    }

    @Override
    public boolean allowMultiHoming() {
      return false;
    }

    @Override
    public Predicate<InetAddress> filterBindAddress() {
      if (bindAddress == null || bindAddress.isAnyLocalAddress()) {
        return a -> true;
      }
      return bindAddress::equals;
    }
  }

  /** mldht's static logger to slf4j. Its Error level includes bad input from remote nodes, so WARN. */
  private static final class Slf4jDhtLogger implements DHTLogger {
    private static final Logger MLDHT = LoggerFactory.getLogger("mldht");

    @Override
    public void log(String message, LogLevel level) {
      switch (level) {
        case Fatal -> MLDHT.error(message);
        case Error -> MLDHT.warn(message);
        case Info -> MLDHT.debug(message);
        default -> MLDHT.trace(message);
      }
    }

    @Override
    public void log(Throwable error, LogLevel level) {
      if (level == LogLevel.Fatal) {
        MLDHT.error("mldht failure", error);
      } else {
        // e.g. the default-route probe failing every few seconds on a host without a default route
        MLDHT.debug("mldht: {}", error.toString(), error);
      }
    }
  }
}
