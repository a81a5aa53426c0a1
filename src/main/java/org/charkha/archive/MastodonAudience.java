package org.charkha.archive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who a status in a Mastodon export was addressed to. The export holds every status whatever its
 * visibility, and only public and unlisted ones may become public Charkha posts. Mastodon 4.x
 * addresses them so: public {@code to=[Public] cc=[followers]}, unlisted {@code to=[followers]
 * cc=[Public]}, followers-only {@code to=[followers]}, direct {@code to=[mentioned actors]}.
 */
enum MastodonAudience {
  PUBLIC(null),
  FOLLOWERS("followers-only post"),
  DIRECT("direct message"),
  NOBODY("no audience (no to or cc)");

  /** ActivityPub section 5.6: the public collection, and the compact forms JSON-LD allows. */
  private static final Set<String> PUBLIC_IDS =
      Set.of("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public");

  /** Why a status with this audience is not imported; null for one that is. */
  final String skipReason;

  MastodonAudience(String skipReason) {
    this.skipReason = skipReason;
  }

  /**
   * The audience of {@code note}, from its own {@code to}/{@code cc}, or its activity's when the
   * object carries none. Anything not shown to be public is not public.
   */
  static MastodonAudience of(JsonNode activity, JsonNode note) {
    List<String> addressed = addressees(note);
    if (addressed.isEmpty()) {
      addressed = addressees(activity);
    }
    if (addressed.isEmpty()) {
      return NOBODY;
    }
    boolean followers = false;
    for (String id : addressed) {
      if (PUBLIC_IDS.contains(id)) {
        return PUBLIC;
      }
      // Mastodon's followers collection is the actor's id + "/followers"
      followers |= id.endsWith("/followers");
    }
    return followers ? FOLLOWERS : DIRECT;
  }

  /** {@code to} and {@code cc}, each a string or an array of strings (ActivityStreams allows both). */
  private static List<String> addressees(JsonNode object) {
    List<String> ids = new ArrayList<>();
    for (String field : new String[] {"to", "cc"}) {
      JsonNode value = object.path(field);
      if (value.isTextual()) {
        ids.add(value.asText());
      }
      for (JsonNode item : value) {
        if (item.isTextual()) {
          ids.add(item.asText());
        }
      }
    }
    return ids;
  }
}
