package org.charkha.bencode;

/** Input is not canonical bencoding, or breaks a size or depth bound. The message names the offset. */
public final class BencodeException extends RuntimeException {
  public BencodeException(String message) {
    super(message);
  }
}
