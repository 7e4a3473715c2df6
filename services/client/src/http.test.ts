import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@switchboard/proto';
import { ClientError } from './errors';
import { agentLogin, createVisitorSession, gatewayWebSocketUrl, problemToError } from './http';

/** A 201 answer of POST /v1/visitor/sessions. */
const SESSION_ANSWER = {
  token: 'vt',
  tenant_id: 'demo',
  visitor_id: 'v1',
  conversation_id: 'c1',
  expires_at_ms: 1,
};

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

let server: Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s === undefined) return;
  s.closeAllConnections();
  await new Promise((resolve) => s.close(resolve));
});

/** Starts a node:http server on port 0 that answers every request with `respond`. */
async function serve(
  respond: (res: ServerResponse) => void,
): Promise<{ baseUrl: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        body: text === '' ? undefined : JSON.parse(text),
      });
      respond(res);
    });
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, requests };
}

function reply(status: number, contentType: string, body: unknown) {
  return (res: ServerResponse): void => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ClientError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('http', () => {
  test('createVisitorSession - posts snake_case JSON and maps the 201 answer', async () => {
    const { baseUrl, requests } = await serve(
      reply(201, 'application/json', {
        token: 'vt',
        tenant_id: 'demo',
        visitor_id: 'v1',
        conversation_id: 'c1',
        expires_at_ms: 1700000000000,
      }),
    );

    const session = await createVisitorSession(`${baseUrl}/`, {
      widgetKey: 'demo-widget-key',
      token: 'old',
      displayName: 'Ann',
    });

    expect(session).toEqual({
      token: 'vt',
      tenantId: 'demo',
      visitorId: 'v1',
      conversationId: 'c1',
      expiresAtMs: 1700000000000,
    });
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/v1/visitor/sessions',
        contentType: 'application/json',
        body: { widget_key: 'demo-widget-key', token: 'old', display_name: 'Ann' },
      },
    ]);
  });

  test('createVisitorSession - leaves optional fields out of the body', async () => {
    const { baseUrl, requests } = await serve(
      reply(201, 'application/json', {
        token: 'vt',
        tenant_id: 'demo',
        visitor_id: 'v1',
        conversation_id: 'c1',
        expires_at_ms: '1700000000000',
      }),
    );

    const session = await createVisitorSession(baseUrl, { widgetKey: 'k' });

    expect(requests[0]?.body).toEqual({ widget_key: 'k' });
    expect(session.expiresAtMs).toBe(1700000000000);
  });

  test('createVisitorSession - maps the context to the snake_case body, leaving out undefined members', async () => {
    const { baseUrl, requests } = await serve(reply(201, 'application/json', SESSION_ANSWER));

    await createVisitorSession(baseUrl, {
      widgetKey: 'k',
      token: 'old',
      context: {
        pageUrl: 'https://shop.example/cart',
        referrer: '',
        language: 'zh-CN',
        name: 'Ann',
        email: 'ann@example.com',
        group: 'sales',
        fields: { order: 'A-1001' },
      },
    });

    expect(requests[0]?.body).toEqual({
      widget_key: 'k',
      token: 'old',
      context: {
        page_url: 'https://shop.example/cart',
        referrer: '',
        language: 'zh-CN',
        name: 'Ann',
        email: 'ann@example.com',
        group: 'sales',
        fields: { order: 'A-1001' },
      },
    });
  });

  test('createVisitorSession - sends only the context members given', async () => {
    const { baseUrl, requests } = await serve(reply(201, 'application/json', SESSION_ANSWER));

    await createVisitorSession(baseUrl, { widgetKey: 'k', context: { userAgent: 'UA/1' } });

    expect(requests[0]?.body).toEqual({ widget_key: 'k', context: { user_agent: 'UA/1' } });
  });

  test('createVisitorSession - throws ClientError UNKNOWN_TENANT from a 404 problem+json', async () => {
    const problem = {
      type: 'https://switchboard.dev/problems/unknown-tenant',
      title: 'Unknown tenant',
      status: 404,
      detail: 'no tenant has widget key nope',
      code: 'ERROR_CODE_UNKNOWN_TENANT',
    };
    const { baseUrl } = await serve(reply(404, 'application/problem+json', problem));

    const err = await rejection(createVisitorSession(baseUrl, { widgetKey: 'nope' }));

    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({
      name: 'ClientError',
      code: ErrorCode.ERROR_CODE_UNKNOWN_TENANT,
      source: 'http',
      httpStatus: 404,
      retryable: false,
      problem,
    });
    expect(err.message).toBe('Unknown tenant: no tenant has widget key nope');
  });

  test('agentLogin - maps the 200 answer', async () => {
    const { baseUrl, requests } = await serve(
      reply(200, 'application/json; charset=utf-8', {
        token: 'jwt',
        tenant_id: 'demo',
        agent_id: 'a1',
        display_name: 'Alice',
        expires_at_ms: 5,
      }),
    );

    const session = await agentLogin(baseUrl, { tenantId: 'demo', email: 'alice@demo.test', password: 'pw' });

    expect(session).toEqual({
      token: 'jwt',
      tenantId: 'demo',
      agentId: 'a1',
      displayName: 'Alice',
      expiresAtMs: 5,
    });
    expect(requests[0]).toMatchObject({
      url: '/v1/agent/login',
      body: { tenant_id: 'demo', email: 'alice@demo.test', password: 'pw' },
    });
  });

  test('agentLogin - throws UNAUTHENTICATED with the status on a 401 problem+json', async () => {
    const { baseUrl } = await serve(
      reply(401, 'application/problem+json', {
        type: 'https://switchboard.dev/problems/unauthenticated',
        title: 'Unauthenticated',
        status: 401,
        detail: 'bad credentials',
        code: 'ERROR_CODE_UNAUTHENTICATED',
      }),
    );

    const err = await rejection(agentLogin(baseUrl, { tenantId: 'demo', email: 'a@b', password: 'wrong' }));

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAUTHENTICATED, httpStatus: 401 });
  });

  test('agentLogin - throws a retryable transport ClientError when nothing listens', async () => {
    const { baseUrl } = await serve(reply(200, 'application/json', {}));
    const s = server;
    server = undefined;
    await new Promise((resolve) => s?.close(resolve));

    const err = await rejection(agentLogin(baseUrl, { tenantId: 'demo', email: 'a@b', password: 'x' }));

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      source: 'transport',
      retryable: true,
    });
    expect(err.message).toContain(`cannot reach gateway at ${baseUrl}`);
    expect(err.cause).toHaveProperty('message');
  });

  test('agentLogin - rejects a 200 answer that misses fields with INTERNAL', async () => {
    const { baseUrl } = await serve(reply(200, 'application/json', { token: 'jwt' }));

    const err = await rejection(agentLogin(baseUrl, { tenantId: 'demo', email: 'a@b', password: 'x' }));

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_INTERNAL, source: 'http' });
  });

  test('agentLogin - rejects a bad base URL without a request', async () => {
    const err = await rejection(agentLogin('not a url', { tenantId: 'demo', email: 'a@b', password: 'x' }));

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT, source: 'local' });
  });

  test('problemToError - falls back to the status when the body is not problem+json', () => {
    const err = problemToError(502, 'text/html', '<html>Bad gateway</html>');

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, retryable: true, httpStatus: 502 });
    expect(err.problem).toBeUndefined();
    expect(err.message).toBe('HTTP 502: <html>Bad gateway</html>');
  });

  test('problemToError - falls back to the status when the problem names an unknown code', () => {
    const body = JSON.stringify({
      title: 'Too large',
      status: 413,
      detail: 'body over 64 KiB',
      code: 'WHAT',
    });

    const err = problemToError(413, 'application/problem+json', body);

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      message: 'Too large: body over 64 KiB',
    });
  });

  test('gatewayWebSocketUrl - maps http to ws and https to wss and appends /v1/ws', () => {
    expect(gatewayWebSocketUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/v1/ws');
    expect(gatewayWebSocketUrl('https://chat.example.com/sb/')).toBe('wss://chat.example.com/sb/v1/ws');
  });
});
