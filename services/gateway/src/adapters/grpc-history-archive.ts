import { credentials } from '@grpc/grpc-js';
import { ErrorCode, HistoryServiceClient } from '@switchboard/proto';
import { SwitchboardError, traceContextInterceptor, unaryCall } from '@switchboard/shared';
import type { HistoryArchive, HistoryPage, HistorySearch, SearchOptions } from '../domain/ports';

/** History older than the stream, from persistence's HistoryService gRPC (ClickHouse). */
export class GrpcHistoryArchive implements HistoryArchive, HistorySearch {
  private readonly client: HistoryServiceClient;

  constructor(
    address: string,
    private readonly timeoutMs: number,
  ) {
    this.client = new HistoryServiceClient(address, credentials.createInsecure(), {
      interceptors: [traceContextInterceptor],
    });
  }

  async listAfter(
    tenantId: string,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<HistoryPage> {
    try {
      const res = await unaryCall(
        this.client.listMessages.bind(this.client),
        { tenantId, conversationId, afterSeq, limit },
        this.timeoutMs,
      );
      return { messages: res.messages, hasMore: res.hasMore };
    } catch (err) {
      // Whatever went wrong, the messages exist but cannot be read now: the caller may retry.
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'message history is unavailable', true, {
        cause: err,
      });
    }
  }

  async search(tenantId: string, query: string, options: SearchOptions): Promise<HistoryPage> {
    try {
      const res = await unaryCall(
        this.client.searchMessages.bind(this.client),
        {
          tenantId,
          query,
          limit: options.limit,
          participantId: options.participantId ?? '',
          conversationId: options.conversationId ?? '',
        },
        this.timeoutMs,
      );
      return { messages: res.messages, hasMore: res.hasMore };
    } catch (err) {
      // A request persistence refused is the caller's to fix; anything else may pass.
      if (err instanceof SwitchboardError && err.code === ErrorCode.ERROR_CODE_INVALID_ARGUMENT) throw err;
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'message search is unavailable', true, {
        cause: err,
      });
    }
  }

  close(): void {
    this.client.close();
  }
}
