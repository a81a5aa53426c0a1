package org.charkha.testswarm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What {@link ChurnSwarmIT} does, round by round: who posts, which node stops (SIGTERM), crashes (SIGKILL)
 * or starts again, and the pause after. Drawn from a seeded {@link Random}, so a seed replays a schedule;
 * schedules that churn too little are drawn again from the same Random, so that every schedule has at least
 * {@link #MIN_EVENTS} stop/start events, stops every node at least once, kills at least
 * {@link #MIN_KILLS} times and keeps at least two nodes running at any time.
 */
record ChurnSchedule(long seed, int nodes, List<Round> rounds) {
  static final int MIN_EVENTS = 6;
  static final int MIN_KILLS = 2;
  static final int MIN_RUNNING = 2;
  private static final int MAX_DRAWS = 100_000;

  enum Action { NONE, STOP, KILL, START }

  /** {@code author} and {@code victim} are node indexes 0..nodes-1. */
  record Round(int author, Action action, int victim, int pauseMillis) {
    String describe(List<String> names) {
      String what = switch (action) {
        case NONE -> "nothing";
        case STOP -> "SIGTERM " + names.get(victim);
        case KILL -> "SIGKILL " + names.get(victim);
        case START -> "start " + names.get(victim);
      };
      return names.get(author) + " posts, " + what + ", then " + pauseMillis + " ms";
    }
  }

  static ChurnSchedule generate(long seed, int nodes, int rounds) {
    if (nodes <= MIN_RUNNING || rounds < 2 * nodes) {
      throw new IllegalArgumentException("need more than " + MIN_RUNNING + " nodes and at least two rounds per node"
          + " (every node stops and starts), got " + nodes + " nodes, " + rounds + " rounds");
    }
    Random random = new Random(seed);
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      ChurnSchedule s = new ChurnSchedule(seed, nodes, draw(random, nodes, rounds));
      if (s.churnsEnough()) {
        return s;
      }
    }
    throw new IllegalStateException("no schedule with enough churn in " + MAX_DRAWS + " draws of seed " + seed);
  }

  private static List<Round> draw(Random random, int nodes, int rounds) {
    boolean[] running = new boolean[nodes];
    java.util.Arrays.fill(running, true);
    List<Round> out = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      int author = random.nextInt(nodes);
      int victim = random.nextInt(nodes);
      int up = 0;
      for (boolean b : running) {
        up += b ? 1 : 0;
      }
      Action action;
      if (!running[victim]) {
        action = Action.START;
      } else if (up > MIN_RUNNING && random.nextInt(4) != 0) {
        action = random.nextInt(3) == 0 ? Action.KILL : Action.STOP;
      } else {
        action = Action.NONE;
      }
      if (action != Action.NONE) {
        running[victim] = action == Action.START;
      }
      out.add(new Round(author, action, victim, 1000 + random.nextInt(4000)));
    }
    return out;
  }

  boolean churnsEnough() {
    boolean[] stopped = new boolean[nodes];
    int events = 0, kills = 0;
    for (Round r : rounds) {
      switch (r.action()) {
        case STOP, KILL -> {
          stopped[r.victim()] = true;
          events++;
          kills += r.action() == Action.KILL ? 1 : 0;
        }
        case START -> events++;
        case NONE -> { }
      }
    }
    for (boolean s : stopped) {
      if (!s) {
        return false;
      }
    }
    return events >= MIN_EVENTS && kills >= MIN_KILLS;
  }

  /** The schedule, one line per round, for the test's output. */
  String describe(List<String> names) {
    StringBuilder sb = new StringBuilder("churn schedule of seed " + seed + " (replay with -Dcharkha.churn.seed=" + seed + "):");
    for (int i = 0; i < rounds.size(); i++) {
      sb.append(String.format("%n  round %2d: %s", i + 1, rounds.get(i).describe(names)));
    }
    return sb.toString();
  }
}
