import type { SubjectCatalog } from '@switchboard/proto';
import type { Logger } from '@switchboard/shared';
import type { NatsConnection, Subscription } from 'nats';
import type { ChangeAnnouncer, ChangeSignal } from '../domain/ports';

/**
 * "The config change log grew" on core NATS subject `configChanged()`: announced after every append,
 * fanned out in-process to every open Watch stream. Carries the revision as text, for logs only; the
 * change log in MongoDB stays the source of truth.
 */
export class NatsConfigNotifications implements ChangeAnnouncer, ChangeSignal {
  private readonly listeners = new Set<() => void>();
  private subscription: Subscription | undefined;
  private readonly log: Logger;

  constructor(
    private readonly nc: NatsConnection,
    private readonly catalog: SubjectCatalog,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'config-notifications' });
  }

  start(): void {
    this.subscription = this.nc.subscribe(this.catalog.configChanged(), {
      callback: (err) => {
        if (err) {
          this.log.warn({ err }, 'config change subscription error');
          return;
        }
        for (const listener of this.listeners) listener();
      },
    });
  }

  announce(revision: number): void {
    try {
      this.nc.publish(this.catalog.configChanged(), String(revision));
    } catch (err) {
      // Watch streams also poll, so a lost announcement only delays them.
      this.log.warn({ err, revision }, 'could not announce config change');
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}

/** For tools that run without NATS (seed with NATS down): running Watch streams catch up by polling. */
export class SilentAnnouncer implements ChangeAnnouncer {
  announce(): void {
    // Intentionally nothing: see class comment.
  }
}
