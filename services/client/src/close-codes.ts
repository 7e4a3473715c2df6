import { CloseCode, ErrorCode } from '@switchboard/proto/wire';

export { CloseCode, type CloseCodeValue } from '@switchboard/proto/wire';

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
  [CloseCode.SLOW_CONSUMER, 'slow consumer; reconnect and resume'],
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

/**
 * What a client does after the socket closed with `code` (the client did not ask for it):
 * - `final`: stop and report (protocol violation 4000, unknown tenant 4004);
 * - `reauthenticate`: the token was refused (4001): reconnect only with a new token;
 * - `rate-limited`: reconnect after a longer backoff (4029);
 * - `reconnect`: everything else (1000, 1001, 1006, 1011, 4008, 4009, ...): reconnect with backoff and resume.
 */
export type CloseDisposition = 'final' | 'reauthenticate' | 'rate-limited' | 'reconnect';

export function closeDisposition(code: number): CloseDisposition {
  switch (code) {
    case CloseCode.PROTOCOL_VIOLATION:
    case CloseCode.UNKNOWN_TENANT:
      return 'final';
    case CloseCode.UNAUTHENTICATED:
      return 'reauthenticate';
    case CloseCode.RATE_LIMITED:
      return 'rate-limited';
    default:
      return 'reconnect';
  }
}
