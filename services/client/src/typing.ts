import type { Participant } from '@switchboard/proto/wire';

/** While typing, a new `typing: true` goes out at most this often per conversation (the gateway's rule). */
export const TYPING_RENEW_MS = 2_000;
/** Without another setTyping(true) for this long, the SDK sends `typing: false` by itself. */
export const TYPING_IDLE_MS = 5_000;
/** A remote participant's typing indicator expires after this long without a renewal. */
export const TYPING_EXPIRY_MS = 6_000;

type Timer = ReturnType<typeof setTimeout>;

/** Someone else started or stopped typing in a conversation (the `typing` event). */
export interface TypingInfo {
  conversationId: string;
  participant: Participant;
  typing: boolean;
}

interface OutgoingTyping {
  /** When the last `typing: true` was written; undefined while none reached a socket. */
  sentAtMs: number | undefined;
  idleTimer: Timer;
}

/**
 * The participant's own typing notices: throttles renewals to one per `renewMs` per conversation, and
 * sends the stop itself after `idleMs` without a call. `write` returns false when no socket took the notice
 * (typing notices are ephemeral: they are never queued for a later connection).
 */
export class TypingNotifier {
  readonly #write: (conversationId: string, typing: boolean) => boolean;
  readonly #renewMs: number;
  readonly #idleMs: number;
  readonly #typing = new Map<string, OutgoingTyping>();

  constructor(
    write: (conversationId: string, typing: boolean) => boolean,
    renewMs = TYPING_RENEW_MS,
    idleMs = TYPING_IDLE_MS,
  ) {
    this.#write = write;
    this.#renewMs = renewMs;
    this.#idleMs = idleMs;
  }

  set(conversationId: string, typing: boolean): void {
    if (!typing) {
      this.stop(conversationId);
      return;
    }
    const now = Date.now();
    const current = this.#typing.get(conversationId);
    if (current !== undefined) clearTimeout(current.idleTimer);
    let sentAtMs = current?.sentAtMs;
    if (sentAtMs === undefined || now - sentAtMs >= this.#renewMs) {
      if (this.#write(conversationId, true)) sentAtMs = now;
    }
    const idleTimer = setTimeout(() => {
      this.stop(conversationId);
    }, this.#idleMs);
    unref(idleTimer);
    this.#typing.set(conversationId, { sentAtMs, idleTimer });
  }

  /** Sends `typing: false` when the participant was typing in the conversation. */
  stop(conversationId: string): void {
    const current = this.#typing.get(conversationId);
    if (current === undefined) return;
    clearTimeout(current.idleTimer);
    this.#typing.delete(conversationId);
    if (current.sentAtMs !== undefined) this.#write(conversationId, false);
  }

  isTyping(conversationId: string): boolean {
    return this.#typing.has(conversationId);
  }

  /** Forgets everything without sending (the client stopped). */
  clear(): void {
    for (const current of this.#typing.values()) clearTimeout(current.idleTimer);
    this.#typing.clear();
  }
}

interface RemoteTyping {
  participant: Participant;
  expiryTimer: Timer;
}

/**
 * Who else is typing where, from typing signals: an indicator lasts `expiryMs` unless renewed, and ends
 * early on `typing: false` or a message from that participant. `report` is called on changes only.
 */
export class TypingIndicators {
  readonly #report: (info: TypingInfo) => void;
  readonly #expiryMs: number;
  /** conversation id -> participant id -> indicator */
  readonly #indicators = new Map<string, Map<string, RemoteTyping>>();

  constructor(report: (info: TypingInfo) => void, expiryMs = TYPING_EXPIRY_MS) {
    this.#report = report;
    this.#expiryMs = expiryMs;
  }

  signal(conversationId: string, participant: Participant, typing: boolean): void {
    if (!typing) {
      this.end(conversationId, participant.id);
      return;
    }
    let byParticipant = this.#indicators.get(conversationId);
    if (byParticipant === undefined) {
      byParticipant = new Map();
      this.#indicators.set(conversationId, byParticipant);
    }
    const current = byParticipant.get(participant.id);
    if (current !== undefined) clearTimeout(current.expiryTimer);
    const expiryTimer = setTimeout(() => {
      this.end(conversationId, participant.id);
    }, this.#expiryMs);
    unref(expiryTimer);
    byParticipant.set(participant.id, { participant, expiryTimer });
    if (current === undefined) this.#report({ conversationId, participant, typing: true });
  }

  /** The participant stopped typing (a stop signal, a message from them, or expiry). */
  end(conversationId: string, participantId: string): void {
    const byParticipant = this.#indicators.get(conversationId);
    const current = byParticipant?.get(participantId);
    if (byParticipant === undefined || current === undefined) return;
    clearTimeout(current.expiryTimer);
    byParticipant.delete(participantId);
    if (byParticipant.size === 0) this.#indicators.delete(conversationId);
    this.#report({ conversationId, participant: current.participant, typing: false });
  }

  /** Who is typing in a conversation now, in the order they started. */
  typing(conversationId: string): Participant[] {
    return [...(this.#indicators.get(conversationId)?.values() ?? [])].map((t) => t.participant);
  }

  /** Forgets every indicator without reporting (the client stopped). */
  clear(): void {
    for (const byParticipant of this.#indicators.values())
      for (const current of byParticipant.values()) clearTimeout(current.expiryTimer);
    this.#indicators.clear();
  }
}

function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
