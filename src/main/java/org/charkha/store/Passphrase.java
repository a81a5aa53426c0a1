package org.charkha.store;

import java.io.Console;
import java.util.Arrays;

/**
 * Where the key's passphrase comes from: the environment variable {@code CHARKHA_PASSPHRASE} (for
 * scripts and tests), else the console without echo. Never from a command-line argument, which
 * other local users can read in the process list.
 */
public final class Passphrase {
  public static final String ENV = "CHARKHA_PASSPHRASE";

  private Passphrase() {}

  /** Asks once, to open an encrypted key. */
  public static char[] ask(String keyFile) {
    String env = System.getenv(ENV);
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException("the key " + keyFile + " is encrypted: set " + ENV
          + " or run in a terminal to type the passphrase");
    }
    char[] typed = console.readPassword("Passphrase for %s: ", keyFile);
    if (typed == null || typed.length == 0) {
      throw new IllegalArgumentException("no passphrase given");
    }
    return typed;
  }

  /** Asks for a new passphrase: twice on a console, so a typo does not lock the owner out. */
  public static char[] askNew() {
    String env = System.getenv(ENV);
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException("--passphrase needs a terminal to type it, or " + ENV);
    }
    char[] first = console.readPassword("New passphrase: ");
    char[] second = console.readPassword("Repeat it: ");
    if (first == null || first.length == 0) {
      throw new IllegalArgumentException("no passphrase given");
    }
    if (!Arrays.equals(first, second)) {
      throw new IllegalArgumentException("the two passphrases differ");
    }
    Arrays.fill(second, '\0');
    return first;
  }
}
