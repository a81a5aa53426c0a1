package org.charkha.torrent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.charkha.bencode.BencodeWriter;
import org.charkha.feed.FeedLog;
import org.charkha.feed.Hex;
import org.charkha.feed.Limits;
import org.charkha.feed.Sha256;

/**
 * Builds what a future publisher would (0004 section 2), which this version's writer never does:
 * a feed torrent whose segment files, all padded to a full piece, are followed by media files.
 */
public final class MediaTorrents {
  private MediaTorrents() {}

  /** The info dict, the segment pieces as their files hold them, and the media bytes in file order. */
  public record Built(byte[] info, List<byte[]> segmentPieces, List<byte[]> media) {}

  public static Built build(FeedLog log, List<byte[]> mediaBlobs) {
    List<byte[]> segments = new ArrayList<>();
    for (byte[] p : log.pieces()) {
      segments.add(Arrays.copyOf(p, Limits.SEGMENT_SIZE));
    }
    SortedMap<String, byte[]> media = new TreeMap<>();
    for (byte[] m : mediaBlobs) {
      media.put(Hex.encode(Sha256.hash(m)), m);
    }
    BencodeWriter w = new BencodeWriter().beginDict().key("files").beginList();
    for (int i = 0; i < segments.size(); i++) {
      w.beginDict().key("length").integer(Limits.SEGMENT_SIZE)
          .key("path").beginList().string(FeedTorrent.fileName(i)).end().end();
    }
    for (var m : media.entrySet()) {
      w.beginDict().key("length").integer(m.getValue().length)
          .key("path").beginList().string("media").string(m.getKey()).end().end();
    }
    w.end().key("name").string(FeedTorrent.name(log.feed())).key("piece length").integer(Limits.SEGMENT_SIZE);
    w.key("pieces").string(pieceHashes(segments, new ArrayList<>(media.values())));
    return new Built(w.end().toByteArray(), segments, new ArrayList<>(media.values()));
  }

  /** SHA-1 of each segment piece, then of each 65536 bytes of the concatenated media. */
  static byte[] pieceHashes(List<byte[]> segments, List<byte[]> media) {
    MessageDigest sha1 = sha1();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] s : segments) {
      out.writeBytes(sha1.digest(s));
    }
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (byte[] m : media) {
      all.writeBytes(m);
    }
    byte[] bytes = all.toByteArray();
    for (int at = 0; at < bytes.length; at += Limits.SEGMENT_SIZE) {
      sha1.update(bytes, at, Math.min(Limits.SEGMENT_SIZE, bytes.length - at));
      out.writeBytes(sha1.digest());
    }
    return out.toByteArray();
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
