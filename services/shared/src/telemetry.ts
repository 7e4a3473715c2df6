import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Metadata } from '@grpc/grpc-js';
import type { MsgHdrs } from 'nats';

export { SpanKind, SpanStatusCode, context, trace };
export type { Context, Span, Tracer };

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /** OTLP/HTTP base URL, e.g. http://jaeger:4318. Unset disables tracing at no cost. */
  readonly otlpEndpoint?: string | undefined;
  readonly exportDelayMs?: number;
}

export interface Telemetry {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Flushes pending spans; never throws. */
  shutdown(): Promise<void>;
}

/** Starts tracing first thing in main.ts. Without an endpoint the OpenTelemetry API stays a no-op. */
export function startTelemetry(opts: TelemetryOptions): Telemetry {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (opts.otlpEndpoint === undefined) {
    return { enabled: false, tracer: trace.getTracer(opts.serviceName), shutdown: () => Promise.resolve() };
  }
  const exporter = new OTLPTraceExporter({ url: `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: opts.serviceName,
      [ATTR_SERVICE_VERSION]: opts.serviceVersion ?? '0.1.0',
    }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        scheduledDelayMillis: opts.exportDelayMs ?? 500,
        maxQueueSize: 8192,
      }),
    ],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    enabled: true,
    tracer: trace.getTracer(opts.serviceName),
    shutdown: async () => {
      try {
        await provider.shutdown();
      } catch {
        // Telemetry never takes a service down, not even on exit.
      }
    },
  };
}

const natsSetter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => {
    carrier.set(key, value);
  },
};
const natsGetter: TextMapGetter<MsgHdrs | undefined> = {
  get: (carrier, key) => carrier?.get(key) || undefined,
  keys: (carrier) => carrier?.keys() ?? [],
};

/** Writes the W3C trace context of `ctx` into NATS headers. */
export function injectNatsHeaders(headers: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, natsSetter);
}

/** Reads the W3C trace context from NATS headers (root context when absent). */
export function extractNatsHeaders(headers: MsgHdrs | undefined): Context {
  return propagation.extract(context.active(), headers, natsGetter);
}

const grpcSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => {
    carrier.set(key, value);
  },
};
const grpcGetter: TextMapGetter<Metadata> = {
  get: (carrier, key) => {
    const v = carrier.get(key)[0];
    return typeof v === 'string' ? v : undefined;
  },
  keys: (carrier) => Object.keys(carrier.getMap()),
};

export function injectGrpcMetadata(metadata: Metadata, ctx: Context = context.active()): void {
  propagation.inject(ctx, metadata, grpcSetter);
}

export function extractGrpcMetadata(metadata: Metadata): Context {
  return propagation.extract(context.active(), metadata, grpcGetter);
}

/**
 * Runs `fn` inside a new span that is a child of `parent`, ending it when `fn` settles and recording
 * any error on it.
 */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  parent: Context,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}
