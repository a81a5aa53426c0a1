package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyEventsTest {
  @Test
  void summaryKeepsWhatHappenedToTheHostAndDropsTheRest() {
    List<String> log = List.of(
        "[+   0.521s] n1: === start #1 pid 29332: /usr/bin/java -jar charkha.jar --home /h/charkha run --port 7000",
        "[+   1.201s] n1: (mldht default-route probe: java.net.SocketException: Network is unreachable; known)",
        "[+   4.691s] exec: $ /usr/bin/java -Xmx128m -jar /w/charkha.jar --home /h/n1/charkha post hello world",
        "[+   5.085s] exec:   | Posted d69b6e14/0",
        "[+   5.090s] exec: $ /usr/bin/java -jar /w/charkha.jar --home /h/n1/charkha log --json",
        "[+   6.321s] n1: [mlDHT Scheduler] INFO org.charkha.sync.SyncEngine - announced d69b6e14 seq 1 to 2 DHT nodes",
        "[+   7.185s] n1: [charkha-watch] INFO org.charkha.node.Node - following 88f94efe",
        "[+   9.000s] n1: [charkha-sync] INFO org.charkha.sync.SyncEngine - feed 88f94efe: now at seq 2 (2 entries, 2 changed, learned by push)",
        "[+  10.000s] net: === cut (veth down)",
        "[+  12.000s] net: === heal (veth up)",
        "[+  13.000s] n1: === SIGKILL pid 29332",
        "[+  13.100s] n1: === exited with code 137 (signal 9)");
    assertEquals(List.of(
        "[+   0.521s] === start #1 pid 29332",
        "[+   4.691s] cli post hello world",
        "[+   6.321s] announced d69b6e14 seq 1 to 2 DHT nodes",
        "[+   7.185s] following 88f94efe",
        "[+   9.000s] feed 88f94efe: now at seq 2 (2 entries, 2 changed, learned by push)",
        "[+  10.000s] === cut (veth down)",
        "[+  12.000s] === heal (veth up)",
        "[+  13.000s] === SIGKILL pid 29332",
        "[+  13.100s] === exited with code 137 (signal 9)"), KeyEvents.of(log));
  }
}
