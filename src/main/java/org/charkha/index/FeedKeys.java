package org.charkha.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.charkha.feed.FeedId;

/** Maps feeds to their row numbers in {@code feed}; the stored key is public key || salt. */
final class FeedKeys {
  private FeedKeys() {}

  static byte[] encode(FeedId feed) {
    byte[] pk = feed.publicKey();
    byte[] salt = feed.salt();
    byte[] key = Arrays.copyOf(pk, pk.length + salt.length);
    System.arraycopy(salt, 0, key, pk.length, salt.length);
    return key;
  }

  static FeedId decode(byte[] key) {
    return FeedId.of(Arrays.copyOf(key, 32), Arrays.copyOfRange(key, 32, key.length));
  }

  /** A cache of feed numbers for the writer's connection; cleared when a transaction rolls back. */
  static final class Writer {
    private final Map<FeedId, Long> ids = new HashMap<>();
    private final PreparedStatement insert;
    private final PreparedStatement select;

    Writer(Connection c) throws SQLException {
      insert = c.prepareStatement("INSERT INTO feed(key) VALUES(?) ON CONFLICT(key) DO NOTHING");
      select = c.prepareStatement("SELECT id FROM feed WHERE key = ?");
    }

    long idOf(FeedId feed) throws SQLException {
      Long id = ids.get(feed);
      if (id != null) {
        return id;
      }
      byte[] key = encode(feed);
      select.setBytes(1, key);
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          id = rs.getLong(1);
        }
      }
      if (id == null) {
        insert.setBytes(1, key);
        insert.executeUpdate();
        select.setBytes(1, key);
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
      ids.put(feed, id);
      return id;
    }

    void forget() {
      ids.clear();
    }
  }
}
