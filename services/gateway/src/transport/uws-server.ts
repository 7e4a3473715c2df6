import {
  App,
  DISABLED,
  us_listen_socket_close,
  us_socket_local_port,
  type HttpRequest,
  type HttpResponse,
  type TemplatedApp,
  type us_listen_socket,
  type WebSocket,
} from '@trufflesuite/uws-js-unofficial';
import { createServer } from 'node:net';
import { CloseCode } from '@switchboard/proto';
import type { Health } from '@switchboard/shared';
import type { AdminEndpoints } from './admin-endpoints';
import type { AgentEndpoints } from './agent-endpoints';
import type { AuthEndpoints } from './http-handlers';
import { PendingResponse, routeParamNames, routeParams, writeCors, type RequestInfo } from './http';
import type { ClientConnection, FrameSink } from './client-connection';
import type { StaticSite } from './static-site';

/** uWebSockets.js stays behind this module; nothing else imports it. */

export interface UwsOptions {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly maxBackpressureBytes: number;
  readonly idleTimeoutS: number;
}

interface SocketData {
  connection: ClientConnection | undefined;
  open: boolean;
  /** Resolved on the next uWS drain (or close). */
  drainWaiters: (() => void)[];
}

/** uWS's send() result when it dropped the message at its own backpressure limit. */
const DROPPED = 2;
/**
 * uWS's own limit sits this far above ours, so the connection's check (close 4009 after a send past
 * MAX_BACKPRESSURE_BYTES) always acts first and uWS never drops a frame silently.
 */
const UWS_BACKPRESSURE_HEADROOM = 16 * 1024 * 1024;

function releaseDrainWaiters(data: SocketData): void {
  for (const resolve of data.drainWaiters.splice(0)) resolve();
}

/** The REST endpoints: public (visitor sessions, login, widget settings), the console's, the admin pages'. */
export interface RestEndpoints {
  readonly auth: AuthEndpoints;
  readonly agent: AgentEndpoints;
  readonly admin: AdminEndpoints;
}

/** The built web apps the gateway serves: the widget bundle at /widget.js, the console under /console/. */
export interface WebSites {
  readonly widget: StaticSite;
  readonly console: StaticSite;
}

export interface GatewayServer {
  readonly port: number;
  readonly connections: () => number;
  /** Stops listening and closes every socket with 1001 (going away), so clients reconnect elsewhere. */
  close(): void;
}

export async function startUwsServer(
  opts: UwsOptions,
  rest: RestEndpoints,
  health: Health,
  sites: WebSites,
  newConnection: (sink: FrameSink) => ClientConnection,
): Promise<GatewayServer> {
  const sockets = new Set<WebSocket<SocketData>>();
  const app = App();

  app.ws<SocketData>('/v1/ws', {
    compression: DISABLED,
    // Frames up to twice the limit reach the handler, which answers FRAME_TOO_LARGE with a typed error;
    // beyond that uWS closes the socket itself.
    maxPayloadLength: opts.maxFrameBytes * 2,
    maxBackpressure: opts.maxBackpressureBytes + UWS_BACKPRESSURE_HEADROOM,
    closeOnBackpressureLimit: 0,
    idleTimeout: opts.idleTimeoutS,
    sendPingsAutomatically: true,
    upgrade: (res, req, ctx) => {
      res.upgrade<SocketData>(
        { connection: undefined, open: true, drainWaiters: [] },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        ctx,
      );
    },
    open: (ws) => {
      sockets.add(ws);
      const data = ws.getUserData();
      const sink: FrameSink = {
        send: (frame) => {
          if (!data.open) return true;
          let status = 1;
          ws.cork(() => {
            status = ws.send(frame, true);
          });
          return status !== DROPPED;
        },
        close: (code, reason) => {
          if (!data.open) return;
          data.open = false;
          releaseDrainWaiters(data);
          ws.end(code, reason);
        },
        bufferedAmount: () => (data.open ? ws.getBufferedAmount() : 0),
        drained: () =>
          data.open
            ? new Promise<void>((resolve) => {
                data.drainWaiters.push(resolve);
              })
            : Promise.resolve(),
      };
      data.connection = newConnection(sink);
    },
    drain: (ws) => {
      releaseDrainWaiters(ws.getUserData());
    },
    message: (ws, message, isBinary) => {
      // The ArrayBuffer is only valid during this call: copy it.
      ws.getUserData().connection?.onFrame(new Uint8Array(message.slice(0)), isBinary);
    },
    close: (ws) => {
      sockets.delete(ws);
      const data = ws.getUserData();
      data.open = false;
      releaseDrainWaiters(data);
      data.connection?.onClose();
    },
  });

  app.options('/v1/*', (res) => {
    res.cork(() => {
      res.writeStatus('204 No Content');
      writeCors(res);
      res.end();
    });
  });
  const route = (
    method: 'get' | 'post' | 'put' | 'del',
    pattern: string,
    handler: (res: PendingResponse, req: RequestInfo) => Promise<void>,
  ): void => {
    const names = routeParamNames(pattern);
    app[method](pattern, (res: HttpResponse, req: HttpRequest) => {
      // Copy the request now (it dies when this returns); the handler registers onData before any await.
      void handler(new PendingResponse(res, true), requestInfo(req, names));
    });
  };
  const { auth, agent, admin } = rest;
  route('post', '/v1/visitor/sessions', (res, req) => auth.visitorSession(res, req));
  route('post', '/v1/agent/login', (res) => auth.agentLogin(res));
  route('get', '/v1/widget/settings', (res, req) => auth.widgetSettings(res, req));
  route('get', '/v1/agent/canned-replies', (res, req) => agent.cannedReplies(res, req));
  route('post', '/v1/agent/canned-replies', (res, req) => agent.saveCannedReply(res, req));
  route('del', '/v1/agent/canned-replies/:id', (res, req) => agent.deleteCannedReply(res, req));
  route('get', '/v1/agent/conversations', (res, req) => agent.conversations(res, req));
  route('get', '/v1/agent/conversations/:id', (res, req) => agent.conversation(res, req));
  route('get', '/v1/agent/groups', (res, req) => agent.groups(res, req));
  route('get', '/v1/agent/agents', (res, req) => agent.agents(res, req));
  route('get', '/v1/agent/search', (res, req) => agent.search(res, req));
  route('get', '/v1/admin/agents', (res, req) => admin.agents(res, req));
  route('post', '/v1/admin/agents', (res, req) => admin.saveAgent(res, req));
  route('get', '/v1/admin/groups', (res, req) => admin.groups(res, req));
  route('post', '/v1/admin/groups', (res, req) => admin.saveGroup(res, req));
  route('del', '/v1/admin/groups/:id', (res, req) => admin.deleteGroup(res, req));
  route('get', '/v1/admin/settings', (res, req) => admin.settings(res, req));
  route('put', '/v1/admin/settings', (res, req) => admin.updateSettings(res, req));
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    app.get(path, (res) => {
      const pending = new PendingResponse(res, false);
      health.answer(path).then(
        (a) => {
          if (a !== undefined) pending.end(a.status, a.contentType, a.body);
        },
        (err: unknown) => {
          pending.problem(err);
        },
      );
    });
  }
  const serve =
    (site: StaticSite, what: string, strip: string) =>
    (res: HttpResponse, req: HttpRequest): void => {
      const url = req.getUrl();
      const answer = site.answer(
        url.slice(strip.length),
        req.getHeader('accept-encoding'),
        req.getHeader('if-none-match'),
      );
      if (answer.kind === 'missing') {
        new PendingResponse(res, false).json(404, {
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: site.empty
            ? `${what} is not built (nothing in ${site.dir}): run \`npm run build\``
            : `no file ${url}`,
        });
        return;
      }
      res.cork(() => {
        res.writeStatus(answer.kind === 'file' ? '200 OK' : '304 Not Modified');
        for (const [k, v] of Object.entries(answer.headers)) res.writeHeader(k, v);
        if (answer.kind === 'file') res.end(answer.body);
        else res.endWithoutBody();
      });
    };
  app.get('/widget.js', serve(sites.widget, 'the widget', '/'));
  app.get('/widget.js.map', serve(sites.widget, 'the widget', '/'));
  app.get('/console', (res) => {
    res.cork(() => {
      res.writeStatus('301 Moved Permanently');
      res.writeHeader('location', '/console/');
      res.end();
    });
  });
  app.get('/console/*', serve(sites.console, 'the agent console', '/console/'));
  app.any('/*', (res, req) => {
    const pending = new PendingResponse(res, false);
    pending.json(404, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no route for ${req.getMethod().toUpperCase()} ${req.getUrl()}`,
    });
  });

  const listenSocket = await listen(app, opts.host, opts.port);
  return {
    port: us_socket_local_port(listenSocket),
    connections: () => sockets.size,
    close: () => {
      us_listen_socket_close(listenSocket);
      for (const ws of [...sockets]) {
        const data = ws.getUserData();
        if (!data.open) continue;
        data.open = false;
        releaseDrainWaiters(data);
        ws.end(CloseCode.GOING_AWAY, 'server shutting down');
      }
    },
  };
}

function requestInfo(req: HttpRequest, paramNames: readonly string[]): RequestInfo {
  return {
    authorization: req.getHeader('authorization'),
    userAgent: req.getHeader('user-agent'),
    acceptLanguage: req.getHeader('accept-language'),
    query: new URLSearchParams(req.getQuery()),
    params: routeParams(
      paramNames,
      paramNames.map((_, i) => req.getParameter(i)),
    ),
  };
}

/**
 * Listens on host:port. uWS sets SO_REUSEADDR only for an explicit port: bound to port 0, the socket's
 * closed connections (TIME_WAIT) would block a restart on the same port for a minute. So port 0 is first
 * resolved to a free port, and tried again if someone takes it in between.
 */
async function listen(app: TemplatedApp, host: string, port: number): Promise<us_listen_socket> {
  if (port !== 0) return listenOn(app, host, port);
  for (let attempt = 1; ; attempt++) {
    const free = await freePort(host);
    try {
      return await listenOn(app, host, free);
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

function listenOn(app: TemplatedApp, host: string, port: number): Promise<us_listen_socket> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (listenSocket: us_listen_socket | false) => {
      if (listenSocket === false) reject(new Error(`cannot listen on ${host}:${port}`));
      else resolve(listenSocket);
    });
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`no free port on ${host}`));
      });
    });
  });
}
