import { ErrorCode } from '@switchboard/proto';
import { asSwitchboardError, httpStatusOf, SwitchboardError, type Logger } from '@switchboard/shared';

/** The part of a uWS HttpResponse the handlers use (uws-server.ts stays the only importer of uWS). */
export interface RawHttpResponse {
  onAborted(handler: () => void): unknown;
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): unknown;
  cork(cb: () => void): unknown;
  writeStatus(status: string): unknown;
  writeHeader(key: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * What handlers may read of a request, copied before the uWS handler returns (the HttpRequest is only
 * valid until then, so nothing of it may be read after an await).
 */
export interface RequestInfo {
  /** The raw `authorization` header; '' when absent. */
  readonly authorization: string;
  readonly userAgent: string;
  readonly acceptLanguage: string;
  readonly query: URLSearchParams;
  /** The route's `:name` segments, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** The `:name` segments of a route pattern, in order: `/v1/a/:id/b/:x` → ['id', 'x']. */
export function routeParamNames(pattern: string): string[] {
  return pattern
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
}

/** Route parameters by name from their raw values in order; a value that is not valid %-encoding stays raw. */
export function routeParams(names: readonly string[], raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const value = raw[i] ?? '';
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  });
  return out;
}

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
    private readonly res: RawHttpResponse,
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

  json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    this.end(status, 'application/json', JSON.stringify(body), headers);
  }

  /** 204, no body. */
  noContent(): void {
    if (!this.open) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus('204 No Content');
      this.res.writeHeader('cache-control', 'no-store');
      if (this.cors) writeCors(this.res);
      this.res.end();
    });
  }

  problem(err: unknown): void {
    const p = toProblem(err);
    // RFC 9110: a 401 names the scheme it wants; only bearer tokens are accepted.
    const headers: Record<string, string> = p.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
    this.end(p.status, 'application/problem+json', JSON.stringify(p.body), headers);
  }

  end(
    status: number,
    contentType: string,
    body: string,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    if (!this.open) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(`${status} ${STATUS_TEXT[status] ?? ''}`.trim());
      this.res.writeHeader('content-type', contentType);
      if (headers['cache-control'] === undefined) this.res.writeHeader('cache-control', 'no-store');
      for (const [k, v] of Object.entries(headers)) this.res.writeHeader(k, v);
      if (this.cors) writeCors(this.res);
      this.res.end(body);
    });
  }
}

export function writeCors(res: Pick<RawHttpResponse, 'writeHeader'>): void {
  res.writeHeader('access-control-allow-origin', '*');
  res.writeHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.writeHeader('access-control-allow-headers', 'content-type, authorization');
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

/** Logs failures that are the server's (internal, or a dependency that may recover); not the client's. */
export function logIfInternal(logger: Logger, err: unknown): void {
  if (err instanceof HttpProblem) return;
  const e = asSwitchboardError(err);
  if (e.code === ErrorCode.ERROR_CODE_INTERNAL || (err instanceof SwitchboardError && e.retryable)) {
    logger.error({ err }, 'HTTP request failed');
  }
}
