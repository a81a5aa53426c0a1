package org.charkha.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.charkha.dht.DhtNode;
import org.charkha.swarm.SwarmConfig;

/**
 * Many plain DHT nodes in one process, each on its own address (aliases the caller added to the
 * test host's interface), so that figure 6's DHT spreads lookups over many nodes as the Internet's
 * does. With only the few nodes of the test hosts, every lookup asks the same nodes, and mldht's
 * limit of about 2 queries per second per address would set the pace instead of the node measured.
 *
 * <pre>DhtCrowd DIR SUBNET FIRST COUNT PORT BOOTSTRAP...</pre>
 * e.g. {@code DhtCrowd /tmp/crowd 198.18.7 100 60 7000 198.18.7.1:7000} runs nodes on
 * 198.18.7.100 to .159, port 7000.
 */
public final class DhtCrowd {
  private DhtCrowd() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String subnet = args[1];
    int first = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    int port = Integer.parseInt(args[4]);
    List<InetSocketAddress> seeds = new ArrayList<>();
    for (int i = 5; i < args.length; i++) {
      seeds.add(SwarmConfig.parseHostPort(args[i]));
    }
    // Started side by side: each start waits up to 2 s for its socket.
    List<DhtNode> nodes = IntStream.range(0, count).parallel().mapToObj(k -> {
      List<InetSocketAddress> bootstrap = new ArrayList<>(seeds);
      if (k > 0) {
        bootstrap.add(new InetSocketAddress(subnet + "." + (first + k - 1), port));
      }
      try {
        InetAddress ip = InetAddress.getByName(subnet + "." + (first + k));
        return DhtNode.start(dir.resolve("n" + k), ip, port, false, bootstrap);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(e);
      }
    }).toList();
    System.out.println("crowd: " + nodes.size() + " DHT nodes running");
    Thread.sleep(Long.MAX_VALUE);
  }
}
