// Helpers shared by the SwitchboardClient unit tests: wait for events without sleeping.
import type { UnifiedMessage } from '@switchboard/proto';
import type { ClientEvents, SwitchboardClient } from '../src/client';
import { ClientError } from '../src/errors';

/** Resolves with the first argument of the next `event`. */
export function nextEvent<K extends keyof ClientEvents>(
  client: SwitchboardClient,
  event: K,
  predicate: (...args: ClientEvents[K]) => boolean = () => true,
): Promise<ClientEvents[K][0]> {
  return new Promise((resolve) => {
    const listener = (...args: ClientEvents[K]): void => {
      if (!predicate(...args)) return;
      client.off(event, listener);
      resolve(args[0]);
    };
    client.on(event, listener);
  });
}

/** Records every emission of `event` (first argument) from now on. */
export function record<K extends keyof ClientEvents>(
  client: SwitchboardClient,
  event: K,
): ClientEvents[K][0][] {
  const seen: ClientEvents[K][0][] = [];
  client.on(event, (...args: ClientEvents[K]) => {
    seen.push(args[0]);
  });
  return seen;
}

/** Collects delivered messages until one with `untilSeq` for the conversation arrives. */
export function collectMessages(
  client: SwitchboardClient,
  conversationId: string,
  untilSeq: number,
): Promise<UnifiedMessage[]> {
  const seen: UnifiedMessage[] = [];
  return new Promise((resolve) => {
    const onMessage = (message: UnifiedMessage): void => {
      seen.push(message);
      if (message.conversationId === conversationId && message.seq >= untilSeq) {
        client.off('message', onMessage);
        resolve(seen);
      }
    };
    client.on('message', onMessage);
  });
}

/** The ClientError a promise rejects with; fails when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ClientError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
