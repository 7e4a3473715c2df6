import { credentials } from '@grpc/grpc-js';
import { HistoryServiceClient } from '@switchboard/proto';
import { traceContextInterceptor, unaryCall } from '@switchboard/shared';
import type { HistoryLookup } from '../domain/ports';

/** HistoryLookup over persistence's HistoryService gRPC (ClickHouse). */
export class GrpcHistoryLookup implements HistoryLookup {
  private readonly client: HistoryServiceClient;

  constructor(
    address: string,
    private readonly timeoutMs: number,
  ) {
    this.client = new HistoryServiceClient(address, credentials.createInsecure(), {
      interceptors: [traceContextInterceptor],
    });
  }

  async findSeq(tenantId: string, conversationId: string, clientMsgId: string): Promise<number | undefined> {
    const res = await unaryCall(
      this.client.findMessage.bind(this.client),
      { tenantId, conversationId, clientMsgId },
      this.timeoutMs,
    );
    return res.found ? res.message?.seq : undefined;
  }

  close(): void {
    this.client.close();
  }
}
