import {
  App,
  DISABLED,
  us_listen_socket_close,
  us_socket_local_port,
  type us_listen_socket,
  type WebSocket,
} from '@trufflesuite/uws-js-unofficial';
import { CloseCode } from '@switchboard/proto';
import type { Health } from '@switchboard/shared';
import type { AuthEndpoints } from './http-handlers';
import { PendingResponse, writeCors } from './http';
import type { ClientConnection, FrameSink } from './client-connection';

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
}

export interface GatewayServer {
  readonly port: number;
  readonly connections: () => number;
  /** Stops listening and closes every socket with 1001 (going away), so clients reconnect elsewhere. */
  close(): void;
}

export function startUwsServer(
  opts: UwsOptions,
  auth: AuthEndpoints,
  health: Health,
  newConnection: (sink: FrameSink) => ClientConnection,
): Promise<GatewayServer> {
  const sockets = new Set<WebSocket<SocketData>>();
  const app = App();

  app.ws<SocketData>('/v1/ws', {
    compression: DISABLED,
    // Frames up to twice the limit reach the handler, which answers FRAME_TOO_LARGE with a typed error;
    // beyond that uWS closes the socket itself.
    maxPayloadLength: opts.maxFrameBytes * 2,
    maxBackpressure: opts.maxBackpressureBytes,
    closeOnBackpressureLimit: 1,
    idleTimeout: opts.idleTimeoutS,
    sendPingsAutomatically: true,
    upgrade: (res, req, ctx) => {
      res.upgrade<SocketData>(
        { connection: undefined, open: true },
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
          if (!data.open) return;
          ws.cork(() => {
            ws.send(frame, true);
          });
        },
        close: (code, reason) => {
          if (!data.open) return;
          data.open = false;
          ws.end(code, reason);
        },
      };
      data.connection = newConnection(sink);
    },
    message: (ws, message, isBinary) => {
      // The ArrayBuffer is only valid during this call: copy it.
      ws.getUserData().connection?.onFrame(new Uint8Array(message.slice(0)), isBinary);
    },
    close: (ws) => {
      sockets.delete(ws);
      const data = ws.getUserData();
      data.open = false;
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
  app.post('/v1/visitor/sessions', (res) => {
    void auth.visitorSession(new PendingResponse(res, true));
  });
  app.post('/v1/agent/login', (res) => {
    void auth.agentLogin(new PendingResponse(res, true));
  });
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
  app.any('/*', (res, req) => {
    const pending = new PendingResponse(res, false);
    pending.json(404, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no route for ${req.getMethod().toUpperCase()} ${req.getUrl()}`,
    });
  });

  return new Promise((resolve, reject) => {
    app.listen(opts.host, opts.port, (listenSocket: us_listen_socket | false) => {
      if (listenSocket === false) {
        reject(new Error(`cannot listen on ${opts.host}:${opts.port}`));
        return;
      }
      resolve({
        port: us_socket_local_port(listenSocket),
        connections: () => sockets.size,
        close: () => {
          us_listen_socket_close(listenSocket);
          for (const ws of [...sockets]) {
            const data = ws.getUserData();
            if (!data.open) continue;
            data.open = false;
            ws.end(CloseCode.GOING_AWAY, 'server shutting down');
          }
        },
      });
    });
  });
}
