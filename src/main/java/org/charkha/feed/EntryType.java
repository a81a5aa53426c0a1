package org.charkha.feed;

/** The entry types this version writes and understands; the wire name is in {@link #wireName}. */
public enum EntryType {
  POST("post"),
  COMMENT("comment"),
  EDIT("edit"),
  DELETE("delete"),
  REACTION("react"),
  FOLLOW("follow"),
  UNFOLLOW("unfollow"),
  PROFILE("profile"),
  RELAY("relay");

  private final String wireName;

  EntryType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The type with this wire name, or null for a type from a newer version (kept, not shown). */
  public static EntryType fromWire(String name) {
    for (EntryType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
