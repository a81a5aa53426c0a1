package org.charkha.feed;

/** A feed version that must not be accepted, with the precise reason and where it was found. */
public final class FeedVerificationException extends Exception {
  public enum Reason {
    MALFORMED,
    OVERSIZE,
    WRONG_INDEX,
    BAD_SIGNATURE,
    BROKEN_CHAIN,
    SEQUENCE_GAP,
    /** Two different entries signed for one sequence number. */
    EQUIVOCATION,
    /** A version that holds fewer entries than one already verified. */
    ROLLBACK
  }

  private final Reason reason;

  public FeedVerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
