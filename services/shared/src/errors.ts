import { status as GrpcStatus } from '@grpc/grpc-js';
import { ErrorCode, type ErrorDetail } from '@switchboard/proto';

/**
 * A typed failure that crosses wires intact: as an ErrorDetail in NATS replies and WebSocket frames, as a
 * gRPC status, or as HTTP problem+json.
 */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toDetail(clientMsgId = '', requestId = 0): ErrorDetail {
    return { code: this.code, message: this.message, retryable: this.retryable, clientMsgId, requestId };
  }

  static fromDetail(detail: ErrorDetail): SwitchboardError {
    return new SwitchboardError(detail.code, detail.message, detail.retryable);
  }
}

/** Turns anything thrown into a SwitchboardError; unknown errors become INTERNAL and keep their cause. */
export function asSwitchboardError(err: unknown): SwitchboardError {
  if (err instanceof SwitchboardError) return err;
  return new SwitchboardError(
    ErrorCode.ERROR_CODE_INTERNAL,
    err instanceof Error ? err.message : String(err),
    false,
    {
      cause: err,
    },
  );
}

export function grpcStatusOf(code: ErrorCode): GrpcStatus {
  switch (code) {
    case ErrorCode.ERROR_CODE_BAD_FRAME:
    case ErrorCode.ERROR_CODE_INVALID_ARGUMENT:
    case ErrorCode.ERROR_CODE_FRAME_TOO_LARGE:
    case ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION:
      return GrpcStatus.INVALID_ARGUMENT;
    case ErrorCode.ERROR_CODE_UNAUTHENTICATED:
      return GrpcStatus.UNAUTHENTICATED;
    case ErrorCode.ERROR_CODE_FORBIDDEN:
      return GrpcStatus.PERMISSION_DENIED;
    case ErrorCode.ERROR_CODE_UNKNOWN_TENANT:
    case ErrorCode.ERROR_CODE_NOT_FOUND:
      return GrpcStatus.NOT_FOUND;
    case ErrorCode.ERROR_CODE_CONVERSATION_CLOSED:
    case ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION:
      return GrpcStatus.FAILED_PRECONDITION;
    case ErrorCode.ERROR_CODE_UNAVAILABLE:
      return GrpcStatus.UNAVAILABLE;
    case ErrorCode.ERROR_CODE_RATE_LIMITED:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case ErrorCode.ERROR_CODE_INTERNAL:
    case ErrorCode.ERROR_CODE_UNSPECIFIED:
    case ErrorCode.UNRECOGNIZED:
      return GrpcStatus.INTERNAL;
  }
}

export function errorCodeOfGrpc(status: GrpcStatus): ErrorCode {
  switch (status) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
      return ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    case GrpcStatus.UNAUTHENTICATED:
      return ErrorCode.ERROR_CODE_UNAUTHENTICATED;
    case GrpcStatus.PERMISSION_DENIED:
      return ErrorCode.ERROR_CODE_FORBIDDEN;
    case GrpcStatus.NOT_FOUND:
      return ErrorCode.ERROR_CODE_NOT_FOUND;
    case GrpcStatus.FAILED_PRECONDITION:
      return ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION;
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.ABORTED:
      return ErrorCode.ERROR_CODE_UNAVAILABLE;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return ErrorCode.ERROR_CODE_RATE_LIMITED;
    case GrpcStatus.OK:
    case GrpcStatus.CANCELLED:
    case GrpcStatus.UNKNOWN:
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.UNIMPLEMENTED:
    case GrpcStatus.INTERNAL:
    case GrpcStatus.DATA_LOSS:
      return ErrorCode.ERROR_CODE_INTERNAL;
  }
}

/** HTTP status for problem+json answers. */
export function httpStatusOf(code: ErrorCode): number {
  switch (grpcStatusOf(code)) {
    case GrpcStatus.INVALID_ARGUMENT:
      return 400;
    case GrpcStatus.UNAUTHENTICATED:
      return 401;
    case GrpcStatus.PERMISSION_DENIED:
      return 403;
    case GrpcStatus.NOT_FOUND:
      return 404;
    case GrpcStatus.FAILED_PRECONDITION:
      return 409;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 429;
    case GrpcStatus.UNAVAILABLE:
      return 503;
    case GrpcStatus.OK:
    case GrpcStatus.CANCELLED:
    case GrpcStatus.UNKNOWN:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
    case GrpcStatus.OUT_OF_RANGE:
    case GrpcStatus.UNIMPLEMENTED:
    case GrpcStatus.INTERNAL:
    case GrpcStatus.DATA_LOSS:
      return 500;
  }
}

/** Decodes a protobuf payload, turning any decoding failure into a typed BAD_FRAME error. */
export function decodeOrBadFrame<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new SwitchboardError(ErrorCode.ERROR_CODE_BAD_FRAME, `undecodable ${what}`, false, { cause: err });
  }
}

/** The ErrorCode of a SwitchboardError; undefined for anything else. */
export function errorCodeOf(err: unknown): ErrorCode | undefined {
  return err instanceof SwitchboardError ? err.code : undefined;
}
