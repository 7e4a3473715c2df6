import {
  ErrorCode,
  isSubjectToken,
  type FindMessageRequest,
  type FindMessageResponse,
  type ListMessagesRequest,
  type ListMessagesResponse,
  type SearchMessagesRequest,
  type SearchMessagesResponse,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { StoreUnavailableError } from './errors';
import { fromMessageRow } from './message-row';
import type { HistoryQuery, MessageStore, SearchQuery } from './ports';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
export const MIN_SEARCH_CHARS = 2;
export const MAX_SEARCH_CHARS = 200;

/** A validated ListMessages request. */
export interface PageRequest {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly afterSeq: number;
  readonly limit: number;
}

/** Checks a ListMessages request; throws INVALID_ARGUMENT naming the first bad field. */
export function validateListRequest(req: ListMessagesRequest): PageRequest {
  if (!isSubjectToken(req.tenantId)) throw invalid('tenant_id must be 1-64 characters of [A-Za-z0-9_-]');
  if (!isSubjectToken(req.conversationId)) {
    throw invalid('conversation_id must be 1-64 characters of [A-Za-z0-9_-]');
  }
  if (!Number.isSafeInteger(req.afterSeq) || req.afterSeq < 0)
    throw invalid('after_seq must be a non-negative integer');
  if (!Number.isInteger(req.limit) || req.limit < 0 || req.limit > MAX_PAGE_SIZE) {
    throw invalid(`limit must be between 0 and ${MAX_PAGE_SIZE} (0 means ${DEFAULT_PAGE_SIZE})`);
  }
  return {
    tenantId: req.tenantId,
    conversationId: req.conversationId,
    afterSeq: req.afterSeq,
    limit: req.limit === 0 ? DEFAULT_PAGE_SIZE : req.limit,
  };
}

/** Checks a SearchMessages request; the query is trimmed. Throws INVALID_ARGUMENT naming the bad field. */
export function validateSearchRequest(req: SearchMessagesRequest): SearchQuery & { limit: number } {
  if (!isSubjectToken(req.tenantId)) throw invalid('tenant_id must be 1-64 characters of [A-Za-z0-9_-]');
  const text = req.query.trim();
  const chars = Array.from(text).length;
  if (chars < MIN_SEARCH_CHARS || chars > MAX_SEARCH_CHARS) {
    throw invalid(
      `query must be ${MIN_SEARCH_CHARS}-${MAX_SEARCH_CHARS} characters (not counting spaces around it)`,
    );
  }
  if (!Number.isInteger(req.limit) || req.limit < 0 || req.limit > MAX_SEARCH_LIMIT) {
    throw invalid(`limit must be between 0 and ${MAX_SEARCH_LIMIT} (0 means ${DEFAULT_SEARCH_LIMIT})`);
  }
  if (req.conversationId !== '' && !isSubjectToken(req.conversationId)) {
    throw invalid('conversation_id must be empty or 1-64 characters of [A-Za-z0-9_-]');
  }
  if (req.participantId !== '' && !isSubjectToken(req.participantId)) {
    throw invalid('participant_id must be empty or 1-64 characters of [A-Za-z0-9_-]');
  }
  const limit = req.limit === 0 ? DEFAULT_SEARCH_LIMIT : req.limit;
  return {
    tenantId: req.tenantId,
    text,
    ...(req.conversationId === '' ? {} : { conversationId: req.conversationId }),
    ...(req.participantId === '' ? {} : { participantId: req.participantId }),
    limit,
    maxRows: limit + 1,
  };
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

/** Reads pages of stored history. */
export class HistoryReader {
  constructor(private readonly store: Pick<MessageStore, 'list' | 'findByClientMsgId' | 'search'>) {}

  async searchMessages(req: SearchMessagesRequest): Promise<SearchMessagesResponse> {
    const { limit, ...query } = validateSearchRequest(req);
    const rows = await unavailableOnStoreError(() => this.store.search(query));
    return { messages: rows.slice(0, limit).map(fromMessageRow), hasMore: rows.length > limit };
  }

  async findMessage(req: FindMessageRequest): Promise<FindMessageResponse> {
    if (!isSubjectToken(req.tenantId)) throw invalid('tenant_id must be 1-64 characters of [A-Za-z0-9_-]');
    if (!isSubjectToken(req.conversationId)) {
      throw invalid('conversation_id must be 1-64 characters of [A-Za-z0-9_-]');
    }
    if (req.clientMsgId === '' || req.clientMsgId.length > 128)
      throw invalid('client_msg_id must be 1-128 characters');
    const row = await unavailableOnStoreError(() =>
      this.store.findByClientMsgId(req.tenantId, req.conversationId, req.clientMsgId),
    );
    return row === undefined
      ? { found: false, message: undefined }
      : { found: true, message: fromMessageRow(row) };
  }

  async listMessages(req: ListMessagesRequest): Promise<ListMessagesResponse> {
    const page = validateListRequest(req);
    // One row more than asked tells whether another page follows.
    const query: HistoryQuery = { ...page, maxRows: page.limit + 1 };
    const rows = await unavailableOnStoreError(() => this.store.list(query));
    return { messages: rows.slice(0, page.limit).map(fromMessageRow), hasMore: rows.length > page.limit };
  }
}

async function unavailableOnStoreError<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof StoreUnavailableError) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'history store unavailable', true, {
        cause: err,
      });
    }
    throw err;
  }
}
