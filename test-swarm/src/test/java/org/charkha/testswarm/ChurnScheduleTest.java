package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ChurnSwarmIT's schedules: reproducible from the seed, and never a schedule that hardly churns. */
class ChurnScheduleTest {
  @Test
  void everyScheduleStopsEveryNodeKillsSomeAndKeepsTwoRunning() {
    Set<List<ChurnSchedule.Round>> distinct = new HashSet<>();
    for (long seed = 0; seed < 500; seed++) {
      ChurnSchedule s = ChurnSchedule.generate(seed, 4, 12);
      assertEquals(12, s.rounds().size());
      boolean[] running = {true, true, true, true};
      Set<Integer> stopped = new HashSet<>();
      int events = 0, kills = 0;
      for (ChurnSchedule.Round r : s.rounds()) {
        switch (r.action()) {
          case STOP, KILL -> {
            assertTrue(running[r.victim()], "seed " + seed + ": stops only a running node: " + r);
            running[r.victim()] = false;
            stopped.add(r.victim());
            events++;
            kills += r.action() == ChurnSchedule.Action.KILL ? 1 : 0;
          }
          case START -> {
            assertTrue(!running[r.victim()], "seed " + seed + ": starts only a stopped node: " + r);
            running[r.victim()] = true;
            events++;
          }
          case NONE -> { }
        }
        int up = 0;
        for (boolean b : running) {
          up += b ? 1 : 0;
        }
        assertTrue(up >= 2, "seed " + seed + ": at least two nodes run at any time");
      }
      assertEquals(Set.of(0, 1, 2, 3), stopped, "seed " + seed + ": every node stops at least once");
      assertTrue(events >= 6, "seed " + seed + ": at least 6 stop/start events, got " + events);
      assertTrue(kills >= 2, "seed " + seed + ": at least 2 SIGKILLs, got " + kills);
      distinct.add(s.rounds());
    }
    assertTrue(distinct.size() > 450, "seeds give different schedules: " + distinct.size() + " of 500");
  }

  @Test
  void aSeedReplaysItsSchedule() {
    assertEquals(ChurnSchedule.generate(42, 4, 12), ChurnSchedule.generate(42, 4, 12));
  }
}
