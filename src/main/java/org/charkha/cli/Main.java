package org.charkha.cli;

import picocli.CommandLine;

/** Entry point of the {@code charkha} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cl = Cli.commandLine();
    return cl.execute(args);
  }
}
