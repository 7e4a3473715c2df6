import { planLeases, type LeaseView } from './lease-plan';
import { ConflictError } from './ports';

/** The lease bucket (NATS KV in production). Every write is a compare-and-set on the key's revision. */
export interface LeaseStore {
  /** The latest known lease of every partition that has one. */
  leases(): ReadonlyMap<number, LeaseView>;
  /** Live instances' heartbeat expiry (wall-clock ms), by instance id. */
  instances(): ReadonlyMap<string, number>;
  heartbeat(instanceId: string, startedAtMs: number, expiresAtMs: number): Promise<void>;
  /**
   * Writes a lease for `owner` if the key is still at `revision` (undefined: no lease yet). Resolves to the
   * new revision; ConflictError when someone else wrote first.
   */
  write(partition: number, lease: LeaseValue, revision: number | undefined): Promise<number>;
  /** Deletes the lease if it is still at `revision`; ConflictError otherwise. */
  release(partition: number, revision: number): Promise<void>;
  removeInstance(instanceId: string): Promise<void>;
}

export interface LeaseValue {
  readonly owner: string;
  readonly acquiredAtMs: number;
  readonly renewedAtMs: number;
  readonly expiresAtMs: number;
}

/** What the owner does when it gains or loses a partition (subscribe; unsubscribe and finish work). */
export interface PartitionListener {
  acquired(partition: number): Promise<void>;
  lost(partition: number, reason: 'rebalance' | 'taken' | 'expired' | 'shutdown'): Promise<void>;
}

export interface OwnershipClock {
  /** Wall clock, written into leases so other instances can judge them. */
  wallMs(): number;
  /** Monotonic clock, for this instance's own deadline (immune to wall-clock jumps). */
  monoMs(): number;
}

export interface OwnershipOptions {
  readonly instanceId: string;
  readonly totalPartitions: number;
  /** How long a lease lasts without renewal. */
  readonly leaseTtlMs: number;
  /** How often leases are renewed and the plan is run. Well below leaseTtlMs. */
  readonly renewEveryMs: number;
  /** Stop serving this long before the lease could expire in other instances' eyes. */
  readonly safetyMarginMs: number;
}

interface Held {
  revision: number;
  acquiredAtMs: number;
  /** Monotonic deadline: past it this instance may no longer be the owner and must not write. */
  validUntilMono: number;
}

export interface OwnershipLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Holds session partitions through leases: renews what it holds, takes free or expired partitions up to its
 * fair share, hands extras over when instances join, and stops serving a partition the moment its lease may
 * have lapsed. A stale owner that wakes up (a paused process, a partitioned network) finds its deadline
 * passed and its compare-and-set rejected; appends are fenced separately by the stream's expected last
 * subject sequence, so even a write racing the handover cannot fork a conversation.
 */
export class PartitionOwnership {
  private readonly held = new Map<number, Held>();
  private readonly startedAtMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly listener: PartitionListener,
    private readonly clock: OwnershipClock,
    private readonly opts: OwnershipOptions,
    private readonly log: OwnershipLog,
  ) {
    this.startedAtMs = clock.wallMs();
  }

  /** True while this instance holds partition p and its lease cannot have expired. */
  owns(partition: number): boolean {
    const h = this.held.get(partition);
    return h !== undefined && this.clock.monoMs() < h.validUntilMono;
  }

  get ownedCount(): number {
    return this.held.size;
  }

  ownedPartitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** Runs the first round now, then one every renewEveryMs. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick());
    }, this.opts.renewEveryMs);
  }

  /** One round: heartbeat, renew, then take or hand over partitions. Never throws. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.store.heartbeat(
        this.opts.instanceId,
        this.startedAtMs,
        this.clock.wallMs() + this.opts.leaseTtlMs,
      );
    } catch (err) {
      this.log.warn({ err }, 'session heartbeat failed');
    }
    await this.renewAll();
    const plan = planLeases({
      self: this.opts.instanceId,
      nowMs: this.clock.wallMs(),
      totalPartitions: this.opts.totalPartitions,
      leases: this.store.leases(),
      instances: this.store.instances(),
      owned: new Set(this.held.keys()),
    });
    for (const p of plan.release) await this.handOver(p, 'rebalance');
    for (const p of plan.acquire) {
      // stop() may have run while this round awaited.
      if (this.isStopped()) return;
      await this.tryAcquire(p);
    }
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  /** Hands every partition over (graceful shutdown), so others take them at once instead of after the TTL. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    for (const p of [...this.held.keys()]) await this.handOver(p, 'shutdown');
    try {
      await this.store.removeInstance(this.opts.instanceId);
    } catch (err) {
      this.log.warn({ err }, 'removing the session heartbeat failed');
    }
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held.entries()].map(async ([p, h]) => {
        const sentAtMono = this.clock.monoMs();
        const now = this.clock.wallMs();
        try {
          h.revision = await this.store.write(p, this.value(h.acquiredAtMs, now), h.revision);
          h.validUntilMono = sentAtMono + this.opts.leaseTtlMs - this.opts.safetyMarginMs;
        } catch (err) {
          if (err instanceof ConflictError) {
            await this.drop(p, 'taken');
          } else if (this.clock.monoMs() >= h.validUntilMono) {
            this.log.warn({ err, partition: p }, 'lease could not be renewed in time');
            await this.drop(p, 'expired');
          } else {
            this.log.warn({ err, partition: p }, 'lease renewal failed; retrying');
          }
        }
      }),
    );
  }

  private async tryAcquire(p: number): Promise<void> {
    const current = this.store.leases().get(p);
    const sentAtMono = this.clock.monoMs();
    const now = this.clock.wallMs();
    let revision: number;
    try {
      revision = await this.store.write(p, this.value(now, now), current?.revision);
    } catch (err) {
      if (!(err instanceof ConflictError)) this.log.warn({ err, partition: p }, 'taking a lease failed');
      return;
    }
    this.held.set(p, {
      revision,
      acquiredAtMs: now,
      validUntilMono: sentAtMono + this.opts.leaseTtlMs - this.opts.safetyMarginMs,
    });
    this.log.info(
      { partition: p, previousOwner: current?.owner, revision },
      current === undefined ? 'partition acquired' : 'partition taken over',
    );
    try {
      await this.listener.acquired(p);
    } catch (err) {
      this.log.warn({ err, partition: p }, 'serving a partition failed; handing it back');
      await this.handOver(p, 'rebalance');
    }
  }

  /** Stops serving p, then deletes the lease so the next owner need not wait for it to expire. */
  private async handOver(p: number, reason: 'rebalance' | 'shutdown'): Promise<void> {
    const h = this.held.get(p);
    if (h === undefined) return;
    await this.drop(p, reason);
    try {
      await this.store.release(p, h.revision);
    } catch (err) {
      // Someone took it already, or NATS is away: either way the lease will not be renewed by us.
      this.log.warn({ err, partition: p }, 'releasing a lease failed; it will expire');
    }
  }

  private async drop(p: number, reason: 'rebalance' | 'taken' | 'expired' | 'shutdown'): Promise<void> {
    if (!this.held.delete(p)) return;
    this.log.info({ partition: p, reason }, 'partition released');
    await this.listener.lost(p, reason);
  }

  private value(acquiredAtMs: number, nowMs: number): LeaseValue {
    return {
      owner: this.opts.instanceId,
      acquiredAtMs,
      renewedAtMs: nowMs,
      expiresAtMs: nowMs + this.opts.leaseTtlMs,
    };
  }
}
