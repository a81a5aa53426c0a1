package org.charkha.index;

import java.util.List;
import java.util.Optional;

/** One page of a timeline, newest first, and the cursor of the next page if there may be one. */
public record Page<T>(List<T> items, Optional<Cursor> next) {
  public Page {
    items = List.copyOf(items);
  }
}
