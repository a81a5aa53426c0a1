package org.charkha.swarm;

import bt.protocol.extended.ExtendedMessage;

/** The {@link ItemMessage} as a bt extended message; the bytes are still unverified. */
final class ItemPush extends ExtendedMessage {
  private final byte[] payload;

  ItemPush(byte[] payload) {
    this.payload = payload;
  }

  /** The raw message, or null when the peer sent more than {@link ItemMessage#MAX_SIZE} bytes. */
  byte[] payload() {
    return payload;
  }
}
