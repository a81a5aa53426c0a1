package org.charkha.web;

/** An HTTP error with the status to send; the message goes to the client as {"error": ...}. */
final class WebException extends RuntimeException {
  private final int status;

  WebException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
