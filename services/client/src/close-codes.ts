import { ErrorCode } from '@switchboard/proto';

/** WebSocket close codes the gateway uses (RFC 6455 codes plus the 4xxx application range). */
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
  RATE_LIMITED: 4029,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

const DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [CloseCode.NORMAL, 'normal closure'],
  [CloseCode.GOING_AWAY, 'gateway going away; reconnect'],
  [CloseCode.ABNORMAL, 'connection lost'],
  [CloseCode.FRAME_TOO_LARGE, 'frame too large'],
  [CloseCode.INTERNAL_ERROR, 'internal error'],
  [CloseCode.PROTOCOL_VIOLATION, 'protocol violation or bad frame'],
  [CloseCode.UNAUTHENTICATED, 'unauthenticated'],
  [CloseCode.UNKNOWN_TENANT, 'unknown tenant'],
  [CloseCode.HELLO_TIMEOUT, 'no Hello in time'],
  [CloseCode.RATE_LIMITED, 'rate limited'],
]);

/** A short human description of a close code, e.g. for log lines. */
export function describeCloseCode(code: number): string {
  return DESCRIPTIONS.get(code) ?? 'unknown close code';
}

/** The error code that best explains a close the gateway sent without an error frame first. */
export function errorCodeForClose(code: number): ErrorCode {
  switch (code) {
    case CloseCode.FRAME_TOO_LARGE:
      return ErrorCode.ERROR_CODE_FRAME_TOO_LARGE;
    case CloseCode.INTERNAL_ERROR:
      return ErrorCode.ERROR_CODE_INTERNAL;
    case CloseCode.PROTOCOL_VIOLATION:
    case CloseCode.HELLO_TIMEOUT:
      return ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION;
    case CloseCode.UNAUTHENTICATED:
      return ErrorCode.ERROR_CODE_UNAUTHENTICATED;
    case CloseCode.UNKNOWN_TENANT:
      return ErrorCode.ERROR_CODE_UNKNOWN_TENANT;
    case CloseCode.RATE_LIMITED:
      return ErrorCode.ERROR_CODE_RATE_LIMITED;
    default:
      return ErrorCode.ERROR_CODE_UNAVAILABLE;
  }
}
