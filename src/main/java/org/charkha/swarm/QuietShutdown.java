package org.charkha.swarm;

import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bt 1.10's acceptor thread reports its own channel being closed as {@code ERROR
 * bt.net.IncomingConnectionListener - Unexpected error} with a stack trace, on every stop: it
 * blocks in accept() and has no other way out. A process that is stopping turns that one logger
 * off first. slf4j-simple has no API for levels, so this sets its field; with another binding it
 * does nothing.
 */
public final class QuietShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(QuietShutdown.class);
  private static final String ACCEPTOR_LOGGER = "bt.net.IncomingConnectionListener";

  private QuietShutdown() {}

  /** For a process about to stop its engine and exit: the acceptor logger stays off for the rest of it. */
  public static void silenceAcceptorLog() {
    Logger logger = LoggerFactory.getLogger(ACCEPTOR_LOGGER);
    if (!logger.getClass().getName().equals("org.slf4j.simple.SimpleLogger")) {
      return;
    }
    try {
      Field off = logger.getClass().getDeclaredField("LOG_LEVEL_OFF");
      Field level = logger.getClass().getDeclaredField("currentLogLevel");
      off.setAccessible(true);
      level.setAccessible(true);
      level.setInt(logger, off.getInt(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("could not quiet {}: {}", ACCEPTOR_LOGGER, e.toString()); // only costs a log line
    }
  }
}
