import { type SearchMessagesRequest, ErrorCode, ListMessagesRequest } from '@switchboard/proto';
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
  const reader = new HistoryReader({ list: down, findByClientMsgId: down, search: down });
  const unavailable = { name: 'SwitchboardError', code: ErrorCode.ERROR_CODE_UNAVAILABLE, retryable: true };
  await expect(reader.listMessages(request())).rejects.toMatchObject(unavailable);
  await expect(
    reader.searchMessages({ tenantId: 'acme', query: 'hi', limit: 0, conversationId: '', participantId: '' }),
  ).rejects.toMatchObject(unavailable);
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

const search = (over: Partial<SearchMessagesRequest> = {}): SearchMessagesRequest => ({
  tenantId: 't1',
  query: 'refund',
  limit: 0,
  conversationId: '',
  participantId: '',
  ...over,
});

test('HistoryReader - searchMessages matches case-insensitively within the tenant, newest first, with has_more', async () => {
  const store = new MemoryStore();
  await store.insert([
    row(1, { text: 'I want a REFUND', accepted_at_ms: 1000 }),
    row(2, { text: 'refunds take 3 days', accepted_at_ms: 2000 }),
    row(3, { text: 'thanks', accepted_at_ms: 3000 }),
    row(1, { tenant_id: 't2', text: 'refund please', accepted_at_ms: 4000 }),
  ]);
  const reader = new HistoryReader(store);
  const all = await reader.searchMessages(search({ query: '  Refund ' }));
  expect(all.messages.map((m) => m.seq)).toEqual([2, 1]);
  expect(all.hasMore).toBe(false);
  const one = await reader.searchMessages(search({ limit: 1 }));
  expect(one.messages.map((m) => m.seq)).toEqual([2]);
  expect(one.hasMore).toBe(true);
});

test('HistoryReader - searchMessages refuses bad requests with INVALID_ARGUMENT', async () => {
  const reader = new HistoryReader(new MemoryStore());
  for (const bad of [
    search({ query: ' x ' }),
    search({ query: 'y'.repeat(201) }),
    search({ tenantId: 'a b' }),
    search({ limit: 101 }),
    search({ conversationId: 'no spaces allowed' }),
    search({ participantId: '../x' }),
  ]) {
    await expect(reader.searchMessages(bad)).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    });
  }
});
