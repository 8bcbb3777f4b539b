/** HttpError carries a status and a client-safe code + message (the app's error handler answers with them). */
export class HttpError extends Error {
  /** Set when the request body was not read to its end: the connection closes after the answer. */
  closeConnection = false;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}
