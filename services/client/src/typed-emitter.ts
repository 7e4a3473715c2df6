import { EventEmitter } from 'node:events';

/** Maps each event name to the tuple of arguments its listeners receive. */
export type EventMap<E> = { [K in keyof E]: unknown[] };

type Listener = (...args: unknown[]) => void;

/**
 * A typed facade over node:events. Unlike a bare EventEmitter, emitting `error` with no listener is a
 * no-op: error events here are reports from the gateway, not crashes.
 */
export class TypedEmitter<E extends EventMap<E>> {
  readonly #emitter = new EventEmitter();

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.on(event, listener as Listener);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.once(event, listener as Listener);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.off(event, listener as Listener);
    return this;
  }

  listenerCount(event: keyof E & string): number {
    return this.#emitter.listenerCount(event);
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    if (event === 'error' && this.#emitter.listenerCount(event) === 0) return false;
    return this.#emitter.emit(event, ...args);
  }
}
