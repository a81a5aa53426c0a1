package org.charkha.index;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Where a timeline page starts: items strictly older than ({@code timestamp}, {@code id}). Items
 * are ordered by the author's claimed timestamp (capped at an hour past when the index first saw
 * them, so a far-future claim cannot pin a post on top), then by the index's row id so that equal
 * timestamps still page without gaps or repeats. Row ids are local to one index file, so a cursor
 * is an opaque token for the next page, not something to store; text form {@code <ts>.<id>}.
 */
public record Cursor(long timestamp, long id) {
  /** The first page: newer than anything. */
  public static final Cursor LATEST = new Cursor(Long.MAX_VALUE, Long.MAX_VALUE);

  /** Items with a timestamp strictly before {@code timestampMillis}. */
  public static Cursor before(long timestampMillis) {
    return new Cursor(timestampMillis, 0);
  }

  public static Cursor parse(String text) {
    int dot = text.indexOf('.');
    checkArgument(dot > 0 && dot < text.length() - 1, "a cursor looks like <timestamp>.<id>, got '%s'",
        text.length() > 40 ? text.substring(0, 40) + "..." : text);
    try {
      return new Cursor(Long.parseLong(text.substring(0, dot)), Long.parseLong(text.substring(dot + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a cursor looks like <timestamp>.<id>, got '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return timestamp + "." + id;
  }
}
