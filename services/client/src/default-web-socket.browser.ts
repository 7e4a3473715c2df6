// Browsers: the global WebSocket. Bundlers pick this file through package.json's `browser` field.
import type { WebSocketConstructor } from './web-socket';

export const defaultWebSocket: WebSocketConstructor | undefined = (
  globalThis as { WebSocket?: WebSocketConstructor }
).WebSocket;
