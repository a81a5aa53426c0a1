package org.charkha.feed;

/** A segment that parses but breaks a rule, with the rule's reason; the verifier wraps it. */
final class SegmentException extends RuntimeException {
  private final FeedVerificationException.Reason reason;

  SegmentException(FeedVerificationException.Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  FeedVerificationException.Reason reason() {
    return reason;
  }
}
