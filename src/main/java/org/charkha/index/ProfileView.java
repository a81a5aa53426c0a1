package org.charkha.index;

import java.util.Optional;
import org.charkha.feed.FeedId;

/**
 * A feed's latest name and bio and what the index counts for it. Counts cover what this index
 * has seen: {@code followers} only among feeds it has ingested.
 */
public record ProfileView(
    FeedId feed, Optional<String> name, Optional<String> bio,
    long posts, long comments, int following, int followers) {}
