import {
  AppendRequest,
  AppendResponse,
  ErrorCode,
  type AppendAck,
  type SubjectCatalog,
  type UnifiedMessage,
} from '@switchboard/proto';
import { decodeOrBadFrame, partitionOf, SwitchboardError, tracedHeaders } from '@switchboard/shared';
import type { NatsConnection } from 'nats';
import {
  retryUntilDeadline,
  RetryDeadlineError,
  systemClock,
  type RetryClock,
  type RetryPolicy,
} from '../domain/retry';

/** Hands a message to the owner of its conversation's session partition and waits for the durable ack. */
export interface SessionAppender {
  append(message: UnifiedMessage): Promise<AppendAck>;
}

/** The part of a NATS connection the appender uses. */
export type Requester = Pick<NatsConnection, 'request'>;

/** No answer (no responder, timeout, connection trouble): the request may be retried unchanged. */
class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
}

/**
 * Appends over NATS request/reply. While a partition has no owner (it is moving after a crash: NATS says
 * "no responders" at once), an attempt times out, or the owner answers a retryable UNAVAILABLE, the same
 * request (same client_msg_id, so the session de-duplicates it) is retried with jittered exponential
 * backoff until the deadline; only then is the client told UNAVAILABLE. Other errors go straight back.
 */
export class NatsSessionAppender implements SessionAppender {
  constructor(
    private readonly nc: Requester,
    private readonly catalog: SubjectCatalog,
    private readonly partitions: number,
    private readonly policy: RetryPolicy,
    private readonly onRetry: (reason: 'no-answer' | 'unavailable') => void = () => undefined,
    private readonly clock: RetryClock = systemClock,
  ) {}

  async append(message: UnifiedMessage): Promise<AppendAck> {
    const subject = this.catalog.sessionAppend(partitionOf(message.conversationId, this.partitions));
    const payload = AppendRequest.encode({ message }).finish();
    try {
      return await retryUntilDeadline(
        (timeoutMs) => this.attempt(subject, payload, timeoutMs),
        isRetryable,
        this.policy,
        this.clock,
        (err) => {
          this.onRetry(err instanceof NoAnswerError ? 'no-answer' : 'unavailable');
        },
      );
    } catch (err) {
      const last = err instanceof RetryDeadlineError ? err.lastError : err;
      if (last instanceof SwitchboardError) throw last;
      // The outcome is unknown, so the client retries with the same client_msg_id.
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        'the session service did not answer; retry',
        true,
        { cause: last },
      );
    }
  }

  private async attempt(subject: string, payload: Uint8Array, timeoutMs: number): Promise<AppendAck> {
    let data: Uint8Array;
    try {
      const reply = await this.nc.request(subject, payload, { timeout: timeoutMs, headers: tracedHeaders() });
      data = reply.data;
    } catch (err) {
      throw new NoAnswerError(err instanceof Error ? err.message : String(err), { cause: err });
    }
    const res = decodeOrBadFrame('append reply', () => AppendResponse.decode(data));
    switch (res.result?.$case) {
      case 'ack':
        return res.result.value;
      case 'error':
        throw SwitchboardError.fromDetail(res.result.value);
      case undefined:
        throw new SwitchboardError(ErrorCode.ERROR_CODE_INTERNAL, 'empty append reply');
    }
  }
}

function isRetryable(err: unknown): boolean {
  if (err instanceof NoAnswerError) return !/connection closed|draining/i.test(err.message);
  return err instanceof SwitchboardError && err.retryable && err.code === ErrorCode.ERROR_CODE_UNAVAILABLE;
}
