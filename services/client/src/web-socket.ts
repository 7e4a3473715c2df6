/**
 * The part of the WHATWG WebSocket the SDK uses. The browser's WebSocket, Node 22's global WebSocket and the
 * `ws` package all fit it; the SDK sets `binaryType = 'arraybuffer'` and uses nothing else.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: EventHandler<unknown> | null;
  onmessage: EventHandler<MessageEventLike> | null;
  onclose: EventHandler<CloseEventLike> | null;
  onerror: EventHandler<unknown> | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface MessageEventLike {
  /** ArrayBuffer for a binary frame (with binaryType 'arraybuffer'), string for a text frame. */
  data: unknown;
}

export interface CloseEventLike {
  code: number;
  reason: string;
}

// Declared through a method so handler parameters are checked bivariantly: DOM and `ws` handlers take richer
// event types than the SDK needs, and must still be assignable.
type EventHandler<E> = { handle(event: E): void }['handle'];

/** WebSocket.readyState values (the same in every implementation). */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** The bytes of a binary frame, or undefined when the frame is not binary (text, or a Blob). */
export function binaryFrame(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** What an `error` event says, when the implementation says anything (`ws` does; browsers do not). */
export function describeSocketError(event: unknown): { message: string; cause: unknown } {
  if (typeof event === 'object' && event !== null) {
    const { error, message } = event as { error?: unknown; message?: unknown };
    if (error instanceof Error) return { message: error.message, cause: error };
    if (typeof message === 'string' && message !== '') return { message, cause: event };
  }
  return { message: 'the WebSocket failed', cause: event };
}
