package org.charkha.index;

import java.util.List;

/** One item of a thread and its replies, oldest first. */
public record ThreadNode(ItemView item, List<ThreadNode> replies) {
  public ThreadNode {
    replies = List.copyOf(replies);
  }
}
