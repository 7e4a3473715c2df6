import { type ErrorCode, errorCodeToJSON, type ErrorDetail } from '@switchboard/proto/wire';

/**
 * Where a ClientError came from:
 * - `server`: an error frame from the gateway;
 * - `close`: the gateway closed the socket;
 * - `timeout`: no answer within requestTimeoutMs (or, for a send, not acknowledged within outboxMaxAgeMs);
 * - `transport`: the network failed (refused, reset, DNS);
 * - `http`: an HTTP problem+json answer;
 * - `local`: the SDK refused before sending (bad argument, not connected, frame too large).
 */
export type ClientErrorSource = 'server' | 'close' | 'timeout' | 'transport' | 'http' | 'local';

/** An RFC 9457 problem document as the gateway sends it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** An ErrorCode name, e.g. `ERROR_CODE_UNAUTHENTICATED`. */
  code: string;
}

export interface ClientErrorOptions {
  source: ClientErrorSource;
  retryable?: boolean;
  clientMsgId?: string;
  /** The FetchMessages request this error answers. */
  requestId?: number;
  closeCode?: number;
  closeReason?: string;
  httpStatus?: number;
  problem?: ProblemDetails;
  cause?: unknown;
}

/** Every failure the SDK reports: a typed ErrorCode plus where it came from. */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  readonly code: ErrorCode;
  readonly source: ClientErrorSource;
  /** True when sending the same request again (same client_msg_id) may succeed. */
  readonly retryable: boolean;
  readonly clientMsgId: string | undefined;
  /** The request_id of the fetch this error answers, when it answers one. */
  readonly requestId: number | undefined;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
  readonly httpStatus: number | undefined;
  readonly problem: ProblemDetails | undefined;

  constructor(code: ErrorCode, message: string, options: ClientErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.source = options.source;
    this.retryable = options.retryable ?? false;
    this.clientMsgId = options.clientMsgId;
    this.requestId = options.requestId;
    this.closeCode = options.closeCode;
    this.closeReason = options.closeReason;
    this.httpStatus = options.httpStatus;
    this.problem = options.problem;
  }

  /** The ErrorCode's proto name, e.g. `ERROR_CODE_FORBIDDEN`. */
  get codeName(): string {
    return errorCodeToJSON(this.code);
  }

  /** Builds the error for a gateway error frame. */
  static fromDetail(
    detail: ErrorDetail,
    extra: Partial<Omit<ClientErrorOptions, 'source'>> = {},
  ): ClientError {
    return new ClientError(detail.code, detail.message || errorCodeToJSON(detail.code), {
      ...extra,
      source: 'server',
      retryable: detail.retryable,
      clientMsgId: detail.clientMsgId === '' ? undefined : detail.clientMsgId,
      requestId: detail.requestId === 0 ? undefined : detail.requestId,
    });
  }
}

/** True for a ClientError with the given code; handy in catch blocks. */
export function isClientError(err: unknown, code?: ErrorCode): err is ClientError {
  return err instanceof ClientError && (code === undefined || err.code === code);
}
