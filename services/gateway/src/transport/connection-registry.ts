/** Something that can re-read what it may have missed while NATS was unreachable. */
export interface Resyncable {
  resync(): void;
}

/** The ready sockets of this gateway, so a NATS reconnect can make each catch up from the stream. */
export class ConnectionRegistry {
  private readonly connections = new Set<Resyncable>();

  add(c: Resyncable): void {
    this.connections.add(c);
  }

  delete(c: Resyncable): void {
    this.connections.delete(c);
  }

  /** Asks every registered socket to catch up; returns how many were asked. */
  resyncAll(): number {
    for (const c of this.connections) c.resync();
    return this.connections.size;
  }

  get size(): number {
    return this.connections.size;
  }
}
