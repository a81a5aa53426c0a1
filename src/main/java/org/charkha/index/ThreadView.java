package org.charkha.index;

/**
 * A post (or comment) and the tree of comments under it. {@code truncated} says that the tree was
 * cut at {@link FeedIndex#MAX_THREAD_ITEMS} items or {@link FeedIndex#MAX_THREAD_DEPTH} levels:
 * reply trees come from other people's feeds and are bounded like everything from outside.
 */
public record ThreadView(ThreadNode root, int size, boolean truncated) {}
