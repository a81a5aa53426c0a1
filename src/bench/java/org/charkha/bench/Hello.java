package org.charkha.bench;

/** The floor under a CLI command: a JVM that starts, prints and exits. */
public final class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
