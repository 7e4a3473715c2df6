import {
  AppendRequest,
  AppendResponse,
  ConversationState,
  ErrorCode,
  SubjectCatalog,
  UnifiedMessage,
  type AppendAck,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import type { Msg, RequestOptions } from 'nats';
import type { RetryClock } from '../domain/retry';
import { NatsSessionAppender, type Requester } from './session-appender';

const catalog = new SubjectCatalog('t1');
const message: UnifiedMessage = {
  ...UnifiedMessage.fromPartial({}),
  conversationId: 'c1',
  clientMsgId: 'm1',
};
const ack: AppendAck = {
  conversationId: 'c1',
  clientMsgId: 'm1',
  seq: 4,
  duplicate: false,
  acceptedAtMs: 1,
  state: ConversationState.CONVERSATION_STATE_WAITING,
};

type Outcome = { fail: string } | { reply: AppendResponse };

/** Answers each request with the next scripted outcome, and records what was asked. */
class ScriptedNats implements Requester {
  readonly requests: { subject: string; clientMsgId: string; timeout: number }[] = [];
  constructor(
    private readonly script: Outcome[],
    private readonly clock: FakeClock,
  ) {}

  request(subject: string, payload?: Uint8Array, opts?: RequestOptions): Promise<Msg> {
    const req = AppendRequest.decode(payload ?? new Uint8Array());
    this.requests.push({ subject, clientMsgId: req.message?.clientMsgId ?? '', timeout: opts?.timeout ?? 0 });
    const next = this.script.shift();
    if (next === undefined) throw new Error('script exhausted');
    if ('fail' in next) {
      if (next.fail === 'TIMEOUT') this.clock.t += opts?.timeout ?? 0;
      return Promise.reject(new Error(next.fail));
    }
    return Promise.resolve({ data: AppendResponse.encode(next.reply).finish() } as Msg);
  }
}

class FakeClock implements RetryClock {
  t = 0;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return Promise.resolve();
  }
  random(): number {
    return 0;
  }
}

const policy = { deadlineMs: 2000, attemptTimeoutMs: 500, baseDelayMs: 100, maxDelayMs: 400 };
const errorReply = (code: ErrorCode, retryable: boolean): Outcome => ({
  reply: {
    result: {
      $case: 'error',
      value: { code, message: 'x', retryable, clientMsgId: 'm1', requestId: 0 },
    },
  },
});

function appenderWith(script: Outcome[]): {
  appender: NatsSessionAppender;
  nats: ScriptedNats;
  retries: string[];
} {
  const clock = new FakeClock();
  const nats = new ScriptedNats(script, clock);
  const retries: string[] = [];
  const appender = new NatsSessionAppender(nats, catalog, 8, policy, (r) => retries.push(r), clock);
  return { appender, nats, retries };
}

describe('NatsSessionAppender', () => {
  it('append - "no responders" and timeouts are retried with the same request until the owner answers', async () => {
    const { appender, nats, retries } = appenderWith([
      { fail: '503' },
      { fail: 'TIMEOUT' },
      errorReply(ErrorCode.ERROR_CODE_UNAVAILABLE, true),
      { reply: { result: { $case: 'ack', value: ack } } },
    ]);
    await expect(appender.append(message)).resolves.toMatchObject({ seq: 4 });
    expect(nats.requests.map((r) => r.clientMsgId)).toEqual(['m1', 'm1', 'm1', 'm1']);
    expect(new Set(nats.requests.map((r) => r.subject)).size).toBe(1);
    expect(retries).toEqual(['no-answer', 'no-answer', 'unavailable']);
  });

  it('append - a non-retryable error goes straight back', async () => {
    const { appender, nats } = appenderWith([errorReply(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED, false)]);
    await expect(appender.append(message)).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_CONVERSATION_CLOSED,
    });
    expect(nats.requests).toHaveLength(1);
  });

  it('append - past the deadline the client gets a retryable UNAVAILABLE', async () => {
    const { appender, nats } = appenderWith(Array.from({ length: 20 }, () => ({ fail: 'TIMEOUT' })));
    const err: unknown = await appender.append(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, retryable: true });
    // 500 + 50 + 500 + 100 + 500 + 200 = 1850; the next attempt gets the 150 ms left, then no time for a wait.
    expect(nats.requests.map((r) => r.timeout)).toEqual([500, 500, 500, 150]);
  });

  it('append - a closed connection is not retried but still tells the client to retry', async () => {
    const { appender, nats } = appenderWith([{ fail: 'CONNECTION_CLOSED: connection closed' }]);
    await expect(appender.append(message)).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      retryable: true,
    });
    expect(nats.requests).toHaveLength(1);
  });
});
