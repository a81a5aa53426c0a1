package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the harness itself: hosts in namespaces reach each other and nothing else, cut/heal partitions a
 * host, processes are started, stopped, killed and restarted with their output logged, a real libtorrent
 * DHT runs across namespaces, and teardown leaves nothing behind.
 */
@ExtendWith(SwarmExtension.class)
class HarnessSwarmIT {
  private static final Duration SHORT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hostsReachEachOtherAndNothingOutsideTheirSubnet(@Hosts(3) Swarm swarm) {
    for (Host from : swarm.hosts()) {
      for (Host to : swarm.hosts()) {
        if (from != to) {
          from.exec(SHORT, "ping", "-c1", "-W2", to.ip()).assertOk();
        }
      }
    }
    Host n1 = swarm.host(1);
    // Outside the /24 nothing is sent: the kernel refuses locally ("Network is unreachable").
    for (String outside : List.of("198.18.9.9", "198.18.3.1", "9.9.9.9")) {
      ExecResult r = n1.exec(SHORT, "ping", "-c1", "-W1", outside);
      assertNotEquals(0, r.exitCode(), r.describe());
      assertTrue(r.output().contains("Network is unreachable"), r.describe());
    }
    assertEquals(List.of(swarm.subnet() + ".0/24 dev eth0"),
        n1.exec(SHORT, "ip", "-4", "route", "show").assertOk().stdout().lines()
            .map(l -> l.replaceFirst(" proto kernel.*", "")).toList(),
        "a host's only route is its /24: no default route");
    assertFalse(n1.exec(SHORT, "ip", "-6", "addr", "show").stdout().contains("inet6"), "IPv6 is off");
    // In the root namespace, an unheld address of the range must not follow the default route out.
    ExecResult root = runInRoot(Swarm.ipCommand(), "route", "get", "198.18.9.9");
    assertNotEquals(0, root.exitCode(), "root namespace would route 198.18.9.9: " + root.describe());
  }

  @Test
  void cutHostIsPartitionedUntilHealed(@Hosts(3) Swarm swarm) {
    Host n1 = swarm.host(1), n2 = swarm.host(2), n3 = swarm.host(3);
    n2.cut();
    assertFalse(n1.exec(SHORT, "ping", "-c1", "-W1", n2.ip()).ok(), "n1 reaches cut n2");
    assertFalse(n2.exec(SHORT, "ping", "-c1", "-W1", n1.ip()).ok(), "cut n2 reaches n1");
    n1.exec(SHORT, "ping", "-c1", "-W2", n3.ip()).assertOk();
    n2.heal();
    Swarm.waitUntil("n1 reaches healed n2", SHORT, () -> n1.exec(SHORT, "ping", "-c1", "-W1", n2.ip()).ok());
    n2.exec(SHORT, "ping", "-c1", "-W2", n1.ip()).assertOk();
  }

  @Test
  void processesStopKillRestartAndLogWhatTheyDid(@Hosts(1) Swarm swarm) throws IOException {
    Host n1 = swarm.host(1);
    HostProcess p = n1.start("bash", "-c",
        "trap 'echo got TERM; exit 0' TERM; echo \"ready in $PWD as $HOME on $(ip -4 -o addr show dev eth0 | awk '{print $4}')\";"
            + " while true; do sleep 0.1; done");
    String ready = p.awaitLine("ready", SHORT);
    assertEquals("ready in " + n1.home() + " as " + n1.home() + " on " + n1.ip() + "/24", ready);

    p.stop();
    assertEquals(0, p.exitCode().orElseThrow(), "SIGTERM handled");
    p.awaitLine("got TERM", SHORT);

    p.restart();
    Swarm.waitUntil("second ready", SHORT, () -> p.lines().stream().filter(l -> l.startsWith("ready")).count() == 2);
    p.kill();
    assertEquals(137, p.exitCode().orElseThrow(), "kill -9");

    HostProcess stubborn = n1.start("stubborn", List.of("bash", "-c", "trap '' TERM; echo up; while true; do sleep 0.1; done"));
    stubborn.awaitLine("up", SHORT);
    long t0 = System.nanoTime();
    stubborn.stop(Duration.ofMillis(500));
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(4).toNanos(), "SIGKILL after the grace period");
    assertEquals(137, stubborn.exitCode().orElseThrow());

    ExecResult r = n1.exec(SHORT, "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exitCode());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
    ExecResult slow = n1.exec(Duration.ofMillis(300), "sleep", "5");
    assertTrue(slow.timedOut(), slow.describe());

    String log = Files.readString(n1.log());
    for (String expected : List.of("n1: ready in", "n1: === SIGTERM", "n1: got TERM", "n1: === start #2",
        "n1: === SIGKILL", "stubborn: === still alive after 500 ms: SIGKILL", "exec: $ sh -c", "exec:   | out")) {
      assertTrue(log.contains(expected), "n1.log lacks \"" + expected + "\":\n" + log);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    swarm.dumpLogs(new PrintStream(buf, true, StandardCharsets.UTF_8), 20);
    String dump = buf.toString(StandardCharsets.UTF_8);
    assertTrue(dump.contains("n1 " + n1.ip()) && dump.contains("stubborn exited 137") && dump.contains("n1/exec:"), dump);
  }

  @Test
  void libtorrentPeersInTwoNamespacesStoreAndServeAMutableItem(@Hosts(3) Swarm swarm) throws IOException {
    Host n1 = swarm.host(1), n2 = swarm.host(2), n3 = swarm.host(3);
    int port = 6881;
    // Given two libtorrent DHT nodes that know each other (each bootstrapped to the other, started apart:
    // libtorrent does not retry a node that did not answer yet)
    HostProcess dht2 = n2.start(n2.ltPeer(port, "--bootstrap", n3.address(port), "dht-node"));
    dht2.awaitLine("\"event\": \"ready\"", SHORT);
    HostProcess dht3 = n3.start(n3.ltPeer(port, "--bootstrap", n2.address(port), "dht-node"));
    Pattern knowsAnother = Pattern.compile("\"count\": [1-9]");
    dht2.awaitLine(knowsAnother, Duration.ofSeconds(20));
    dht3.awaitLine(knowsAnother, Duration.ofSeconds(20));
    String[] bootstrap = {"--bootstrap", n2.address(port), "--bootstrap", n3.address(port)};
    String seed = "11".repeat(32);
    String ih = "0123456789abcdef0123456789abcdef01234567";

    // When n1 puts a BEP 46 record {ih: ...} for a key
    JsonNode put = lt(n1, port, bootstrap, "dht-put", "--seed", seed, "--ih", ih);
    assertEquals(2, put.get("num_success").asInt(), put.toString());
    String pk = put.get("k").asText();

    // Then a libtorrent get from n1 finds it, signature-verified, with the exact bencoded value. (--first:
    // libtorrent 2.0.8 keeps the departed KRPC putter in its tables, so a full traversal waits ~15 s.)
    JsonNode got = lt(n1, port, bootstrap, "dht-get", pk, "--first");
    assertTrue(got.get("found").asBoolean(), got.toString());
    assertEquals(1, got.get("seq").asLong());
    assertEquals(hex("d2:ih20:") + ih + hex("e"), got.get("v").asText());
    assertTrue(got.get("verified_copy").asBoolean(), got.toString());

    // And the storing libtorrent nodes refuse an older seq (BEP 44 error 302)
    ExecResult stale = n1.exec(Duration.ofSeconds(30), concat(n1.ltPeer(port, bootstrap),
        "dht-put", "--seed", seed, "--ih", ih, "--seq", "0"));
    assertEquals(5, stale.exitCode(), stale.describe());
    assertTrue(stale.stdout().contains("302"), stale.describe());

    // And a salted string item from another host round-trips too
    JsonNode put2 = lt(n3, port + 1, bootstrap, "dht-put", "--seed", seed, "--salt", hex("feed"), "--str", "hello");
    assertTrue(put2.get("num_success").asInt() >= 1, put2.toString());
    JsonNode got2 = lt(n1, port, bootstrap, "dht-get", pk, "--salt", hex("feed"), "--first");
    assertEquals("5:hello", got2.get("v_text").asText(), got2.toString());

    assertTrue(dht2.isAlive() && dht3.isAlive());
  }

  @Test
  void teardownLeavesNoNamespaceBridgeOrRoute() {
    Swarm.assumeCanRun();
    Swarm swarm = Swarm.create("HarnessSwarmIT.teardownLeavesNoNamespaceBridgeOrRoute", 2);
    String prefix = swarm.prefix();
    HostProcess p;
    try (swarm) {
      p = swarm.host(2).start("sleep", "600");
      assertTrue(p.isAlive());
      assertTrue(runInRoot(Swarm.ipCommand(), "netns", "list").stdout().contains(prefix + "n2"));
    }
    assertFalse(p.isAlive(), "process left running");
    String namespaces = runInRoot(Swarm.ipCommand(), "netns", "list").stdout();
    assertFalse(namespaces.lines().anyMatch(l -> l.matches(prefix + "n\\d+( .*)?")), namespaces);
    assertNotEquals(0, runInRoot(Swarm.ipCommand(), "link", "show", "dev", prefix + "br0").exitCode(), "bridge left");
    assertTrue(runInRoot(Swarm.ipCommand(), "-o", "link", "show").stdout().lines()
        .noneMatch(l -> l.matches("\\d+: " + prefix + "v\\d+.*")), "veth left");
    // The unreachable guard stays only while another harness (another prefix) still holds an address in it.
    boolean othersInRange = !runInRoot(Swarm.ipCommand(), "-o", "-4", "addr", "show", "to", "198.18.0.0/15").stdout().isBlank();
    boolean guard = !runInRoot(Swarm.ipCommand(), "route", "show", "type", "unreachable", "198.18.0.0/15").stdout().isBlank();
    assertEquals(othersInRange, guard, "unreachable 198.18.0.0/15 present=" + guard + " while other users=" + othersInRange);
  }

  // ---------------------------------------------------------------------------------------------

  private static JsonNode lt(Host h, int port, String[] bootstrap, String... args) throws IOException {
    ExecResult r = h.exec(Duration.ofSeconds(40), concat(h.ltPeer(port, bootstrap), args));
    r.assertOk();
    List<String> json = r.stdout().lines().filter(l -> l.startsWith("{")).toList();
    assertFalse(json.isEmpty(), r.describe());
    return JSON.readTree(json.get(json.size() - 1));
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  private static String hex(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.US_ASCII)) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  private static ExecResult runInRoot(String... cmd) {
    try {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      return new ExecResult(List.of(cmd), code, out, err, false, Duration.ofNanos(System.nanoTime() - t0));
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("cannot run " + String.join(" ", cmd), e);
    }
  }
}
