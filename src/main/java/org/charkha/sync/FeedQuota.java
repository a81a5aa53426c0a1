package org.charkha.sync;

import static com.google.common.base.Preconditions.checkArgument;

import org.charkha.feed.FeedLog;
import org.charkha.torrent.FeedTorrent;

/**
 * How much of one followed feed a node agrees to hold. The defaults are far above what a person
 * writes in a lifetime (a hundred posts a day for fifty years is under two million entries and
 * well under a gibibyte) and far below what would hurt the machine, so only an attacker's feed
 * hits them. Size and pieces are checked on the metadata, before any piece is downloaded;
 * entries after verification.
 */
public record FeedQuota(long maxBytes, int maxPieces, long maxEntries) {
  public static final FeedQuota DEFAULT = new FeedQuota(1L << 30, 16_384, 2_000_000);

  public FeedQuota {
    checkArgument(maxBytes > 0 && maxPieces > 0 && maxEntries > 0, "quotas must be positive");
  }

  /** Throws {@link Exceeded} if the version described by {@code torrent} is over the quota. */
  void checkMetadata(FeedTorrent torrent) {
    if (torrent.totalLength() > maxBytes) {
      throw new Exceeded("the version is " + torrent.totalLength() + " bytes, the quota " + maxBytes);
    }
    if (torrent.pieceCount() > maxPieces) {
      throw new Exceeded("the version has " + torrent.pieceCount() + " pieces, the quota " + maxPieces);
    }
  }

  void checkEntries(FeedLog log) {
    if (log.size() > maxEntries) {
      throw new Exceeded("the version has " + log.size() + " entries, the quota " + maxEntries);
    }
  }

  /** A version over the quota: rejected, not downloaded again. */
  public static final class Exceeded extends RuntimeException {
    Exceeded(String message) {
      super("OVER_QUOTA: " + message);
    }
  }
}
