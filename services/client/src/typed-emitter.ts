/** Maps each event name to the tuple of arguments its listeners receive. */
export type EventMap<E> = { [K in keyof E]: unknown[] };

type Listener = (...args: unknown[]) => void;

interface Registration {
  listener: Listener;
  once: boolean;
}

/**
 * A small typed event emitter with no Node dependency, so the SDK also runs in browsers.
 *
 * Two differences from node:events, both deliberate:
 * - emitting `error` with no listener is a no-op: error events here are reports from the gateway, not crashes;
 * - a listener that throws does not stop the others or the client's own bookkeeping: the exception is
 *   re-thrown in a microtask (an uncaught exception in Node, a console report in browsers), as EventTarget does.
 */
export class TypedEmitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, Registration[]>();

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return this.#add(event, listener as Listener, false);
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return this.#add(event, listener as Listener, true);
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    const registrations = this.#listeners.get(event);
    if (registrations === undefined) return this;
    const index = registrations.findIndex((r) => r.listener === (listener as Listener));
    if (index >= 0) registrations.splice(index, 1);
    if (registrations.length === 0) this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof E & string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const registrations = this.#listeners.get(event);
    if (registrations === undefined || registrations.length === 0) return false;
    // A snapshot: listeners added or removed while emitting take effect from the next emit.
    for (const registration of [...registrations]) {
      if (registration.once) this.off(event, registration.listener);
      try {
        registration.listener(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    return true;
  }

  #add(event: keyof E, listener: Listener, once: boolean): this {
    const registrations = this.#listeners.get(event) ?? [];
    registrations.push({ listener, once });
    this.#listeners.set(event, registrations);
    return this;
  }
}
