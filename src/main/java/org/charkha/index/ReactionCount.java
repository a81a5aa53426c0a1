package org.charkha.index;

/** How many distinct authors reacted to an item with one emoji. */
public record ReactionCount(String emoji, int count) {}
