package org.charkha.index;

import java.util.List;

/** An item with its text history, oldest first; empty once deleted (the bodies are gone). */
public record PostDetail(ItemView item, List<TextVersion> history) {
  public PostDetail {
    history = List.copyOf(history);
  }
}
