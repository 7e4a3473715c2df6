import { CloseCode } from '@switchboard/proto';
import { closeDisposition, describeCloseCode } from './close-codes';

describe('closeDisposition', () => {
  test.each([
    [CloseCode.PROTOCOL_VIOLATION, 'final'],
    [CloseCode.UNKNOWN_TENANT, 'final'],
    [CloseCode.UNAUTHENTICATED, 'reauthenticate'],
    [CloseCode.RATE_LIMITED, 'rate-limited'],
    [CloseCode.NORMAL, 'reconnect'],
    [CloseCode.GOING_AWAY, 'reconnect'],
    [CloseCode.ABNORMAL, 'reconnect'],
    [CloseCode.FRAME_TOO_LARGE, 'reconnect'],
    [CloseCode.INTERNAL_ERROR, 'reconnect'],
    [CloseCode.HELLO_TIMEOUT, 'reconnect'],
    [CloseCode.SLOW_CONSUMER, 'reconnect'],
    [4999, 'reconnect'],
  ])('closeDisposition - %i is %s', (code, disposition) => {
    expect(closeDisposition(code)).toBe(disposition);
  });

  test('describeCloseCode - knows SLOW_CONSUMER', () => {
    expect(describeCloseCode(4009)).toBe('slow consumer; reconnect and resume');
    expect(describeCloseCode(4321)).toBe('unknown close code');
  });
});
