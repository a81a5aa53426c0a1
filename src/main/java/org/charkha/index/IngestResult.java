package org.charkha.index;

/**
 * What one {@link FeedIndex#ingest} did: {@code added} entries new to the index (including
 * relayed ones), {@code redacted} bodies removed because the feed withdrew them, and
 * {@code skipped} entries already indexed or of a type this version does not index.
 */
public record IngestResult(int added, int redacted, int skipped) {}
