import { ErrorCode } from '@switchboard/proto/wire';
import { ClientError } from './errors';

/** The longest text a message may carry, in Unicode code points, after trimming. */
export const MAX_TEXT_CHARS = 4000;
/** What a client_msg_id may look like: 1 to 64 characters of A-Z a-z 0-9 _ -. */
export const CLIENT_MSG_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a send the way the gateway will, so a bad one fails fast without a round trip. */
export function checkSend(
  clientMsgId: string,
  conversationId: string,
  text: string,
): ClientError | undefined {
  const invalid = (message: string): ClientError =>
    new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message, { source: 'local', clientMsgId });
  if (!CLIENT_MSG_ID_PATTERN.test(clientMsgId)) {
    return invalid('clientMsgId must be 1-64 characters of A-Z a-z 0-9 _ -');
  }
  if (conversationId === '') return invalid('conversationId is empty');
  const trimmed = text.trim();
  if (trimmed === '') return invalid('text is empty');
  if (Array.from(trimmed).length > MAX_TEXT_CHARS)
    return invalid(`text is longer than ${MAX_TEXT_CHARS} characters`);
  return undefined;
}
