package org.charkha.swarm;

import bt.net.buffer.ByteBufferView;
import bt.protocol.DecodingContext;
import bt.protocol.EncodingContext;
import bt.protocol.handler.MessageHandler;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;

/** Frames {@link ItemPush} messages; parsing and verification happen in {@link PushAgent}. */
final class ItemPushHandler implements MessageHandler<ItemPush> {
  @Override
  public Collection<Class<? extends ItemPush>> getSupportedTypes() {
    return List.of(ItemPush.class);
  }

  @Override
  public Class<? extends ItemPush> readMessageType(ByteBufferView buffer) {
    return ItemPush.class;
  }

  @Override
  public int decode(DecodingContext context, ByteBufferView buffer) {
    int length = buffer.remaining();
    if (length > ItemMessage.MAX_SIZE) {
      // Bounded: skip what an honest peer never sends instead of copying it.
      buffer.position(buffer.position() + length);
      context.setMessage(new ItemPush(null));
      return length;
    }
    byte[] payload = new byte[length];
    buffer.get(payload);
    context.setMessage(new ItemPush(payload));
    return length;
  }

  @Override
  public boolean encode(EncodingContext context, ItemPush message, ByteBuffer buffer) {
    if (buffer.remaining() < message.payload().length) {
      return false;
    }
    buffer.put(message.payload());
    return true;
  }
}
