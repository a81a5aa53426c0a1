package org.charkha.archive;

/** One post read from another network's export, before it becomes an entry. */
public record ArchivePost(String sourceId, long timestampMillis, String text, String inReplyTo) {}
