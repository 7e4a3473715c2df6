/**
 * WebSocket close codes of the client protocol (RFC 6455 codes plus the 4xxx application range); the
 * gateway sends them and clients read them. Documented in docs/protocol.md.
 */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  /** No close frame was received: the connection dropped or could not be made (never sent on the wire). */
  ABNORMAL: 1006,
  FRAME_TOO_LARGE: 1009,
  INTERNAL_ERROR: 1011,
  PROTOCOL_VIOLATION: 4000,
  UNAUTHENTICATED: 4001,
  UNKNOWN_TENANT: 4004,
  HELLO_TIMEOUT: 4008,
  /** The client read too slowly and too much queued up for it; reconnect and resume from the last seq. */
  SLOW_CONSUMER: 4009,
  RATE_LIMITED: 4029,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
