package org.charkha.fuzz;

/**
 * The contract every fuzz target checks: a decoder given hostile bytes either returns a value or
 * throws one of its documented exceptions, with a message that says what was wrong. Anything else
 * (NullPointerException, IndexOutOfBounds, ClassCast, Arithmetic, OutOfMemoryError,
 * StackOverflowError) escapes and Jazzer reports it as a finding.
 */
final class Expected {
  private Expected() {}

  interface Decoder {
    void run() throws Exception;
  }

  @SafeVarargs
  static void onlyThrows(Decoder decoder, Class<? extends Exception>... documented) throws Exception {
    try {
      decoder.run();
    } catch (Exception e) {
      for (Class<? extends Exception> ok : documented) {
        if (ok.isInstance(e)) {
          if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("documented " + e.getClass().getSimpleName() + " without a message", e);
          }
          return;
        }
      }
      throw e;
    }
  }
}
