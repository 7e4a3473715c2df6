// A WebSocket that offers only what browsers offer (WHATWG API), built on `ws`, to prove the SDK needs
// nothing more: no EventEmitter methods, no terminate(), error events without a message, browser close rules.
import WebSocket from 'ws';
import type { CloseEventLike, MessageEventLike, WebSocketLike } from '../src/web-socket';

export class WhatwgWebSocket implements WebSocketLike {
  static readonly instances: WhatwgWebSocket[] = [];
  /** Browsers default to 'blob': a client that forgets to set 'arraybuffer' gets non-ArrayBuffer data. */
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: MessageEventLike) => void) | null = null;
  onclose: ((event: CloseEventLike) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly #ws: WebSocket;

  constructor(url: string) {
    WhatwgWebSocket.instances.push(this);
    this.#ws = new WebSocket(url);
    this.#ws.on('open', () => this.onopen?.({ type: 'open' }));
    this.#ws.on('message', (data: Buffer, isBinary) => {
      let payload: unknown = data.toString('utf8');
      if (isBinary) {
        const copy = new Uint8Array(data);
        payload = this.binaryType === 'arraybuffer' ? copy.buffer : { size: copy.length, type: '' };
      }
      this.onmessage?.({ data: payload });
    });
    this.#ws.on('error', () => this.onerror?.({ type: 'error' }));
    this.#ws.on('close', (code, reason) => this.onclose?.({ code, reason: reason.toString('utf8') }));
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(data: Uint8Array): void {
    this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new Error(`InvalidAccessError: close code ${code} is not allowed`);
    }
    this.#ws.close(code, reason);
  }
}
