package org.charkha.feed;

/**
 * Bounds on everything a feed may contain. A peer that exceeds one is rejected before its bytes
 * are used, so memory stays bounded whatever a peer sends.
 */
public final class Limits {
  /** Piece length of every feed torrent, and so the largest a segment may be. */
  public static final int SEGMENT_SIZE = 64 * 1024;
  /** The largest bencoded entry (head and body): a quarter segment keeps packing waste small. */
  public static final int MAX_ENTRY_SIZE = 16 * 1024;
  /** Post, comment and bio text, in UTF-8 bytes. */
  public static final int MAX_TEXT = 8 * 1024;
  public static final int MAX_NAME = 256;
  public static final int MAX_EMOJI = 64;
  /** Segments in one feed version: 65,536 x 64 KiB = 4 GiB, far above any person's feed. */
  public static final int MAX_SEGMENTS = 65_536;

  private Limits() {}
}
