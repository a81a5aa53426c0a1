package org.charkha.testswarm;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Swarm tests skip on a machine that cannot run them, except where they are required (CI): there they fail. */
class SwarmAssumeCanRunTest {
  @Test
  void notRootSkipsLocallyButFailsWhereSwarmTestsAreRequired() {
    assertThrows(TestAbortedException.class, () -> Swarm.assumeCanRun(false, true, false));
    assertThrows(TestAbortedException.class, () -> Swarm.assumeCanRun(true, false, false));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Swarm.assumeCanRun(false, true, true));
    assertTrue(e.getMessage().contains("need root"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> Swarm.assumeCanRun(true, false, true));
    assertDoesNotThrow(() -> Swarm.assumeCanRun(true, true, true));
  }

  @Test
  void ciVariableOrPropertyMakesSwarmTestsRequired() {
    assertTrue(Swarm.required("true", null));
    assertTrue(Swarm.required("1", null));
    assertTrue(Swarm.required(null, "true"));
    assertFalse(Swarm.required(null, null));
    assertFalse(Swarm.required("false", null));
    assertFalse(Swarm.required("", "false"));
  }
}
