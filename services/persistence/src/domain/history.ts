import {
  ErrorCode,
  isSubjectToken,
  type FindMessageRequest,
  type FindMessageResponse,
  type ListMessagesRequest,
  type ListMessagesResponse,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { StoreUnavailableError } from './errors';
import { fromMessageRow } from './message-row';
import type { HistoryQuery, MessageStore } from './ports';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

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

function invalid(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

/** Reads pages of stored history. */
export class HistoryReader {
  constructor(private readonly store: Pick<MessageStore, 'list' | 'findByClientMsgId'>) {}

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
