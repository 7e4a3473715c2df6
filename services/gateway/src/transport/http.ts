import { ErrorCode } from '@switchboard/proto';
import { httpStatusOf, SwitchboardError } from '@switchboard/shared';
import type { HttpResponse } from '@trufflesuite/uws-js-unofficial';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A uWS response that may be answered after awaits: remembers whether the client went away. */
export class PendingResponse {
  private aborted = false;
  private done = false;

  constructor(
    private readonly res: HttpResponse,
    private readonly cors: boolean,
  ) {
    res.onAborted(() => {
      this.aborted = true;
    });
  }

  get open(): boolean {
    return !this.aborted && !this.done;
  }

  /** Reads the whole body; rejects with a typed error past `maxBytes` or when it is not JSON. */
  readJson(maxBytes: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.res.onData((chunk, isLast) => {
        size += chunk.byteLength;
        if (size > maxBytes) {
          if (isLast)
            reject(
              new HttpProblem(
                413,
                ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
                `body larger than ${maxBytes} bytes`,
              ),
            );
          return;
        }
        // uWS neuters the ArrayBuffer when this callback returns: copy it now.
        chunks.push(Buffer.from(chunk.slice(0)));
        if (!isLast) return;
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve(JSON.parse(text === '' ? 'null' : text));
        } catch (err) {
          reject(
            new HttpProblem(400, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'the body is not valid JSON', err),
          );
        }
      });
    });
  }

  json(status: number, body: unknown): void {
    this.end(status, 'application/json', JSON.stringify(body));
  }

  problem(err: unknown): void {
    const p = toProblem(err);
    this.end(p.status, 'application/problem+json', JSON.stringify(p.body));
  }

  end(status: number, contentType: string, body: string): void {
    if (!this.open) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(`${status} ${STATUS_TEXT[status] ?? ''}`.trim());
      this.res.writeHeader('content-type', contentType);
      this.res.writeHeader('cache-control', 'no-store');
      if (this.cors) writeCors(this.res);
      this.res.end(body);
    });
  }
}

export function writeCors(res: HttpResponse): void {
  res.writeHeader('access-control-allow-origin', '*');
  res.writeHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
  res.writeHeader('access-control-allow-headers', 'content-type');
  res.writeHeader('access-control-max-age', '600');
}

/** An HTTP-only failure with its own status (413, 415) that has no exact ErrorCode twin. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

interface Problem {
  readonly status: number;
  readonly body: { type: string; title: string; status: number; detail: string; code: string };
}

/** RFC 9457 problem+json for any error; internal errors do not leak their message. */
export function toProblem(err: unknown): Problem {
  let status = 500;
  let code = ErrorCode.ERROR_CODE_INTERNAL;
  let detail = 'internal error';
  if (err instanceof HttpProblem) {
    ({ status, code } = err);
    detail = err.message;
  } else if (err instanceof SwitchboardError) {
    code = err.code;
    status = httpStatusOf(code);
    detail = code === ErrorCode.ERROR_CODE_INTERNAL ? 'internal error' : err.message;
  }
  const name = ErrorCode[code];
  return {
    status,
    body: {
      type: `https://switchboard.dev/problems/${name
        .replace(/^ERROR_CODE_/, '')
        .toLowerCase()
        .replace(/_/g, '-')}`,
      title: STATUS_TEXT[status] ?? 'Error',
      status,
      detail,
      code: name,
    },
  };
}
