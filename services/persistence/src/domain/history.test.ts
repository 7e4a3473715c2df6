import { ErrorCode, ListMessagesRequest } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { MemoryStore, row } from '../testing/fakes';
import { StoreUnavailableError } from './errors';
import { HistoryReader, validateListRequest } from './history';

function request(overrides: Partial<ListMessagesRequest> = {}): ListMessagesRequest {
  return ListMessagesRequest.fromPartial({ tenantId: 't1', conversationId: 'c1', ...overrides });
}

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SwitchboardError ? err.code : undefined;
  }
  return undefined;
}

test('validateListRequest - limit 0 means 100', () => {
  expect(validateListRequest(request({ limit: 0 })).limit).toBe(100);
  expect(validateListRequest(request({ limit: 1000 })).limit).toBe(1000);
});

test('validateListRequest - rejects a limit above 1000 with INVALID_ARGUMENT', () => {
  expect(codeOf(() => validateListRequest(request({ limit: 1001 })))).toBe(
    ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
  );
});

test('validateListRequest - rejects tenant and conversation ids that are not subject tokens', () => {
  for (const bad of ['', 'a.b', 'a b', '*', '>', "x' OR 1=1 --", 'x'.repeat(65)]) {
    expect(codeOf(() => validateListRequest(request({ tenantId: bad })))).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    expect(codeOf(() => validateListRequest(request({ conversationId: bad })))).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  }
});

test('HistoryReader - pages with has_more computed from one extra row', async () => {
  const store = new MemoryStore();
  await store.insert([1, 2, 3, 4, 5].map((s) => row(s)));
  const reader = new HistoryReader(store);
  const first = await reader.listMessages(request({ limit: 2 }));
  expect(first.messages.map((m) => m.seq)).toEqual([1, 2]);
  expect(first.hasMore).toBe(true);
  const last = await reader.listMessages(request({ limit: 2, afterSeq: 3 }));
  expect(last.messages.map((m) => m.seq)).toEqual([4, 5]);
  expect(last.hasMore).toBe(false);
});

test('HistoryReader - only returns rows of the asked tenant', async () => {
  const store = new MemoryStore();
  await store.insert([row(1), row(2, { tenant_id: 't2' })]);
  const page = await new HistoryReader(store).listMessages(request({ tenantId: 't2' }));
  expect(page.messages.map((m) => [m.tenantId, m.seq])).toEqual([['t2', 2]]);
});

test('HistoryReader - an unreachable store is UNAVAILABLE and retryable', async () => {
  const down = () => Promise.reject(new StoreUnavailableError('down'));
  const reader = new HistoryReader({ list: down, findByClientMsgId: down });
  const unavailable = { name: 'SwitchboardError', code: ErrorCode.ERROR_CODE_UNAVAILABLE, retryable: true };
  await expect(reader.listMessages(request())).rejects.toMatchObject(unavailable);
  await expect(
    reader.findMessage({ tenantId: 'acme', conversationId: 'c1', clientMsgId: 'm1' }),
  ).rejects.toMatchObject(unavailable);
});

test('HistoryReader - findMessage finds a message by its sender id, scoped by tenant', async () => {
  const store = new MemoryStore();
  await store.insert([row(1), row(2, { tenant_id: 't2' })]);
  const mine = row(1);
  const found = await new HistoryReader(store).findMessage({
    tenantId: mine.tenant_id,
    conversationId: mine.conversation_id,
    clientMsgId: mine.client_msg_id,
  });
  expect(found).toMatchObject({ found: true, message: { seq: 1, clientMsgId: mine.client_msg_id } });
  const other = await new HistoryReader(store).findMessage({
    tenantId: 'nobody',
    conversationId: mine.conversation_id,
    clientMsgId: mine.client_msg_id,
  });
  expect(other).toEqual({ found: false, message: undefined });
  await expect(
    new HistoryReader(store).findMessage({ tenantId: 'acme', conversationId: 'c1', clientMsgId: '' }),
  ).rejects.toMatchObject({ code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT });
});
