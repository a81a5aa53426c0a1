package org.charkha.swarm;

import bt.metainfo.IMetadataService;
import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import org.charkha.bencode.BencodeException;
import org.charkha.torrent.FeedTorrent;

/**
 * bt's metadata parser, with feed torrents parsed by {@link FeedTorrent#parseInfo(byte[])}
 * instead (see {@link FeedBtTorrent}): the info dictionary a peer sends (BEP 9), bare or as a
 * {@code d4:info...e} file. Anything else, or anything that is not exactly a feed torrent's
 * layout, goes to bt's parser as before.
 */
final class FeedMetadataService implements IMetadataService {
  private static final byte[] WRAPPED = "d4:infod5:files".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] BARE = "d5:files".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final IMetadataService standard = new MetadataService();

  @Override
  public Torrent fromUrl(URL url) {
    return standard.fromUrl(url);
  }

  @Override
  public Torrent fromInputStream(InputStream in) {
    return standard.fromInputStream(in);
  }

  @Override
  public Torrent fromByteArray(byte[] bs) {
    byte[] info = null;
    if (startsWith(bs, BARE)) {
      info = bs;
    } else if (startsWith(bs, WRAPPED) && bs[bs.length - 1] == 'e') {
      info = Arrays.copyOfRange(bs, "d4:info".length(), bs.length - 1);
    }
    if (info != null) {
      try {
        return new FeedBtTorrent(FeedTorrent.parseInfo(info));
      } catch (BencodeException | IllegalArgumentException e) {
        // not a feed torrent after all: bt's parser decides, and our layout check rejects it later
      }
    }
    return standard.fromByteArray(bs);
  }

  private static boolean startsWith(byte[] bs, byte[] prefix) {
    return bs.length > prefix.length && Arrays.equals(bs, 0, prefix.length, prefix, 0, prefix.length);
  }
}
