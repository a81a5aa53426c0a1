package org.charkha.index;

/** One version of an item's text: the original ({@code seq} of the item) or an edit (its seq). */
public record TextVersion(long seq, long timestamp, String text) {}
