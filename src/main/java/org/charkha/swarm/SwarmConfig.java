package org.charkha.swarm;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a {@link SwarmEngine} runs. One {@code port} serves both the TCP peer listener and the UDP
 * DHT socket, as in other clients.
 *
 * @param port TCP and UDP port, 1..65535
 * @param bindAddress address to listen on; empty means all addresses
 * @param stateDir where the DHT keeps its node id and routing table between runs
 * @param dht whether to run the mainline DHT at all (off for loopback-only tests: mldht cannot
 *     bind loopback)
 * @param bootstrapNodes DHT nodes to ping at start (host:port, possibly unresolved)
 * @param publicBootstrap also use mldht's public routers (router.bittorrent.com, ...); never in tests
 * @param lsd BEP 14 local service discovery (multicast on the LAN)
 * @param pex BEP 11 peer exchange
 * @param peerDiscoveryInterval how often peer sources (DHT, known peers, ...) are polled per torrent
 * @param maxConnections peer connections over all torrents (500 by default; a test host that
 *     stands in for many people's machines needs more)
 */
public record SwarmConfig(
    int port,
    Optional<InetAddress> bindAddress,
    Path stateDir,
    boolean dht,
    List<InetSocketAddress> bootstrapNodes,
    boolean publicBootstrap,
    boolean lsd,
    boolean pex,
    Duration peerDiscoveryInterval,
    int maxConnections) {

  public SwarmConfig {
    checkArgument(port > 0 && port < 65536, "port must be 1..65535, got %s", port);
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(stateDir, "stateDir");
    bootstrapNodes = List.copyOf(bootstrapNodes);
    checkArgument(!peerDiscoveryInterval.isNegative() && !peerDiscoveryInterval.isZero(),
        "peer discovery interval must be positive, got %s", peerDiscoveryInterval);
    checkArgument(maxConnections > 0, "max connections must be positive, got %s", maxConnections);
  }

  /** A builder with the application's defaults: DHT on with public bootstrap, LSD and PEX on, 5 s discovery. */
  public static Builder builder(int port, Path stateDir) {
    return new Builder(port, stateDir);
  }

  /** Parses "host:port" (IPv4 or name; "[v6]:port" for IPv6) without resolving it. */
  public static InetSocketAddress parseHostPort(String text) {
    int colon = text.lastIndexOf(':');
    checkArgument(colon > 0 && colon < text.length() - 1, "expected host:port, got '%s'", text);
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in '" + text + "'");
    }
    checkArgument(port > 0 && port < 65536, "port out of range in '%s'", text);
    return InetSocketAddress.createUnresolved(host, port);
  }

  public static final class Builder {
    private final int port;
    private final Path stateDir;
    private InetAddress bindAddress;
    private boolean dht = true;
    private final List<InetSocketAddress> bootstrapNodes = new ArrayList<>();
    private boolean publicBootstrap = true;
    private boolean lsd = true;
    private boolean pex = true;
    private Duration peerDiscoveryInterval = Duration.ofSeconds(5);
    private int maxConnections = 500;

    private Builder(int port, Path stateDir) {
      this.port = port;
      this.stateDir = stateDir;
    }

    public Builder bindAddress(InetAddress a) {
      bindAddress = a;
      return this;
    }

    public Builder dht(boolean on) {
      dht = on;
      return this;
    }

    public Builder bootstrapNode(InetSocketAddress node) {
      bootstrapNodes.add(requireNonNull(node));
      return this;
    }

    public Builder bootstrapNode(String hostPort) {
      return bootstrapNode(parseHostPort(hostPort));
    }

    public Builder publicBootstrap(boolean on) {
      publicBootstrap = on;
      return this;
    }

    public Builder lsd(boolean on) {
      lsd = on;
      return this;
    }

    public Builder pex(boolean on) {
      pex = on;
      return this;
    }

    public Builder peerDiscoveryInterval(Duration d) {
      peerDiscoveryInterval = d;
      return this;
    }

    public Builder maxConnections(int n) {
      maxConnections = n;
      return this;
    }

    public SwarmConfig build() {
      return new SwarmConfig(port, Optional.ofNullable(bindAddress), stateDir, dht, bootstrapNodes,
          publicBootstrap, lsd, pex, peerDiscoveryInterval, maxConnections);
    }
  }
}
