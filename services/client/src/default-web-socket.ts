// Node: the `ws` package (Node 20 has no global WebSocket). package.json's `browser` field swaps this module
// for default-web-socket.browser.ts, so a bundle for the widget never pulls `ws` in.
import WebSocket from 'ws';
import type { WebSocketConstructor } from './web-socket';

export const defaultWebSocket: WebSocketConstructor | undefined = WebSocket;
