import {
  HistoryServiceService,
  type HistoryServiceServer,
  type FindMessageRequest,
  type ListMessagesRequest,
  type SearchMessagesRequest,
} from '@switchboard/proto';
import { unaryHandler, type GrpcService, type Logger, type Tracer } from '@switchboard/shared';
import type { HistoryReader } from '../domain/history';

/** gRPC HistoryService: translates calls to the HistoryReader; errors become typed statuses in unaryHandler. */
export function historyService(reader: HistoryReader, tracer: Tracer, logger: Logger): GrpcService {
  const log = logger.child({ component: 'grpc' });
  const implementation: HistoryServiceServer = {
    listMessages: unaryHandler(
      tracer,
      log,
      'switchboard.v1.HistoryService/ListMessages',
      (req: ListMessagesRequest) => reader.listMessages(req),
    ),
    findMessage: unaryHandler(
      tracer,
      log,
      'switchboard.v1.HistoryService/FindMessage',
      (req: FindMessageRequest) => reader.findMessage(req),
    ),
    searchMessages: unaryHandler(
      tracer,
      log,
      'switchboard.v1.HistoryService/SearchMessages',
      (req: SearchMessagesRequest) => reader.searchMessages(req),
    ),
  };
  return { definition: HistoryServiceService, implementation };
}
