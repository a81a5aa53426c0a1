package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.charkha.node.LoopbackNode;
import org.charkha.node.NodeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code charkha run} as a process: what it refuses to start on, and how it stops. */
class RunTest {
  private static final long START_MILLIS = 60_000;

  @TempDir Path home;

  @Test
  void busyBitTorrentPortStopsTheNodeNamingPortAndProtocol() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CharkhaProcess node = CharkhaProcess.runNode(home, taken.getLocalPort())) {
      assertEquals(1, node.awaitExit(START_MILLIS), node.output());
      assertTrue(node.output().contains("TCP port " + taken.getLocalPort() + " (BitTorrent)"), node.output());
      assertFalse(Files.exists(home.resolve("node.json")));
    }
  }

  @Test
  void busyDhtPortStopsTheNodeNamingPortAndProtocol() throws Exception {
    int port = LoopbackNode.freePort();
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        CharkhaProcess node = CharkhaProcess.runNode(home, port)) {
      assertEquals(1, node.awaitExit(START_MILLIS), node.output());
      assertTrue(node.output().contains("UDP port " + port + " (DHT)"), node.output());
    }
  }

  @Test
  void busyWebPortStopsTheNodeBeforeItJoinsTheNetwork() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CharkhaProcess node = CharkhaProcess.runNode(home, LoopbackNode.freePort(), taken.getLocalPort())) {
      assertEquals(1, node.awaitExit(START_MILLIS), node.output());
      assertTrue(node.output().contains("TCP port " + taken.getLocalPort() + " (web UI)"), node.output());
      assertFalse(node.output().contains("swarm engine on"), "no port was bound: " + node.output());
    }
  }

  @Test
  void secondNodeOnTheSameDataDirectoryRefusesWhileTheFirstKeepsRunning() throws Exception {
    try (CharkhaProcess first = CharkhaProcess.runNode(home, LoopbackNode.freePort())) {
      first.awaitOutput("Web UI:", START_MILLIS);
      NodeInfo firstInfo = NodeInfo.read(home).orElseThrow();

      try (CharkhaProcess second = CharkhaProcess.runNode(home, LoopbackNode.freePort())) {
        assertEquals(1, second.awaitExit(START_MILLIS), second.output());
        assertTrue(second.output().contains("another node is running on this data directory (pid " + first.pid() + ")"),
            second.output());
      }

      assertTrue(first.isAlive());
      assertEquals(Optional.of(firstInfo), NodeInfo.read(home), "the first node's node.json is untouched");
    }
  }

  @Test
  void sigtermAndSigintStopTheNodeCleanlyAndItKeepsItsDhtIdAcrossARestart() throws Exception {
    int port = LoopbackNode.freePort();
    Path dht = home.resolve("swarm").resolve("dht");
    byte[] id;
    try (CharkhaProcess node = CharkhaProcess.runNode(home, port)) {
      node.awaitOutput("Web UI:", START_MILLIS);
      assertEquals(0, node.signal("TERM", 30_000), "exit code after SIGTERM:\n" + node.output());
      assertTrue(node.output().contains("Stopping..."), node.output());
      assertFalse(node.output().contains("ERROR"), "a clean stop logs no error:\n" + node.output());
    }
    assertFalse(Files.exists(home.resolve("node.json")), "a stopped node leaves no node.json");
    id = Files.readAllBytes(dht.resolve("baseID.config"));
    assertTrue(Files.exists(dht.resolve("IPv4-table.cache")), "the routing table is saved on stop");

    try (CharkhaProcess node = CharkhaProcess.runNode(home, port)) {
      node.awaitOutput("Web UI:", START_MILLIS);
      assertEquals(0, node.signal("INT", 30_000), "exit code after SIGINT:\n" + node.output());
      assertFalse(node.output().contains("ERROR"), node.output());
    }
    assertArrayEquals(id, Files.readAllBytes(dht.resolve("baseID.config")), "the DHT node id survives a restart");
    assertFalse(Files.exists(home.resolve("node.json")));
  }
}
