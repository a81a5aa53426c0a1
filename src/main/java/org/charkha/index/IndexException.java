package org.charkha.index;

/** The index file could not be read or written; the message names the file and the operation. */
public final class IndexException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  IndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
