import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Record<string, unknown>;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}

/** An in-process OTLP/HTTP (JSON) trace receiver: what Jaeger's 4318 port would get. */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces' && (req.headers['content-type'] ?? '').includes('json')) {
          this.ingest(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{}');
        } else {
          res.writeHead(415);
          res.end();
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (s !== undefined)
      await new Promise<void>((resolve) =>
        s.close(() => {
          resolve();
        }),
      );
  }

  private ingest(body: OtlpJson): void {
    for (const rs of body.resourceSpans ?? []) {
      const name = attr(rs.resource?.attributes, 'service.name');
      const service = typeof name === 'string' ? name : '';
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const attributes: Record<string, unknown> = {};
          for (const a of s.attributes ?? []) attributes[a.key] = value(a);
          this.spans.push({
            service,
            name: s.name,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            attributes,
          });
        }
      }
    }
  }
}

function value(a: OtlpAttribute): unknown {
  return a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue;
}

function attr(attrs: OtlpAttribute[] | undefined, key: string): unknown {
  const a = attrs?.find((x) => x.key === key);
  return a === undefined ? undefined : value(a);
}
