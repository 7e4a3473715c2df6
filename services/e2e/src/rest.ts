/** One REST answer: status, headers and the body (parsed when it is JSON, `{}` when empty). */
export interface RestAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

/** Calls the gateway's REST API, with an optional bearer token and JSON body. */
export async function rest(
  baseUrl: string,
  method: RestMethod,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
      ...opts.headers,
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  return { status: res.status, headers: res.headers, body, text };
}

/** Logs a demo agent in (password `switchboard`) and returns the token. */
export async function loginToken(baseUrl: string, email: string, tenantId = 'demo'): Promise<string> {
  const res = await rest(baseUrl, 'POST', '/v1/agent/login', {
    body: { tenant_id: tenantId, email, password: 'switchboard' },
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
  return res.body['token'] as string;
}
