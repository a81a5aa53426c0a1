package org.charkha.swarm;

import bt.net.buffer.ByteBufferView;
import bt.protocol.DecodingContext;
import bt.protocol.EncodingContext;
import bt.protocol.InvalidMessageException;
import bt.protocol.Message;
import bt.protocol.Protocols;
import bt.protocol.handler.UniqueMessageHandler;
import java.nio.ByteBuffer;

/**
 * BEP 6 "allowed fast" (id 17), which libtorrent sends. bt 1.10 does not know the id and drops the
 * connection ("Unknown message type ID: 17"). The message is advisory, so we decode and ignore it.
 */
final class AllowedFast implements Message {
  static final int ID = 17;

  private final int piece;

  AllowedFast(int piece) {
    this.piece = piece;
  }

  int piece() {
    return piece;
  }

  @Override
  public Integer getMessageId() {
    return ID;
  }

  @Override
  public String toString() {
    return "[AllowedFast] piece " + piece;
  }

  /** Wire form: {@code <len=5><id=17><piece index:4>}. */
  static final class Handler extends UniqueMessageHandler<AllowedFast> {
    Handler() {
      super(AllowedFast.class);
    }

    @Override
    protected int doDecode(DecodingContext context, ByteBufferView buffer) {
      if (buffer.remaining() != Integer.BYTES) { // the limit is already set to the payload's end
        throw new InvalidMessageException("allowed fast payload must be 4 bytes, got " + buffer.remaining());
      }
      int piece = Protocols.readInt(buffer);
      context.setMessage(new AllowedFast(piece));
      return Integer.BYTES;
    }

    @Override
    protected boolean doEncode(EncodingContext context, AllowedFast message, ByteBuffer buffer) {
      if (buffer.remaining() < Integer.BYTES) {
        return false;
      }
      buffer.putInt(message.piece());
      return true;
    }
  }
}
