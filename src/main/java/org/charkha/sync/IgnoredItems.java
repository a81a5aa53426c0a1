package org.charkha.sync;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Signed items received for a followed feed and not acted on: ones whose signature (or value) does
 * not verify, and ones not newer than the held version (a lower seq, or the same seq with another
 * value). Kept apart from {@link FeedStatus#rejected()}, which is about versions that were fetched
 * and refused: stale copies come back from the DHT all the time and must not hide a real rejection.
 *
 * @param from where the last one came from: {@code "DHT"} or {@code "push from <address>"}
 */
public record IgnoredItems(long badSignature, long notNewer, String lastReason, String lastFrom, long lastAtMillis) {
  public static final IgnoredItems NONE = new IgnoredItems(0, 0, null, null, 0);

  public IgnoredItems {
    checkArgument(badSignature >= 0 && notNewer >= 0, "counts must not be negative, got %s and %s", badSignature, notNewer);
  }

  public boolean any() {
    return badSignature + notNewer > 0;
  }

  IgnoredItems withBadSignature(String reason, String from, long atMillis) {
    return new IgnoredItems(badSignature + 1, notNewer, reason, from, atMillis);
  }

  IgnoredItems withNotNewer(String reason, String from, long atMillis) {
    return new IgnoredItems(badSignature, notNewer + 1, reason, from, atMillis);
  }
}
