package org.charkha.archive;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What an archive held: the posts to import, and what was skipped and why. */
public final class ArchiveReport {
  private final List<ArchivePost> posts = new ArrayList<>();
  private final Map<String, Integer> skipped = new LinkedHashMap<>();
  private final Set<String> sourceIds = new HashSet<>();

  void add(ArchivePost post) {
    if (sourceIds.add(post.sourceId())) {
      posts.add(post);
    } else {
      skip("duplicate of an earlier item");
    }
  }

  void skip(String reason) {
    skipped.merge(reason, 1, Integer::sum);
  }

  public List<ArchivePost> posts() {
    return posts;
  }

  /** Reason to count, in the order first seen. */
  public Map<String, Integer> skipped() {
    return skipped;
  }
}
