import { useEffect, useRef, useState } from 'preact/hooks';
import type { OfferSignals } from '../console-store';
import { blinkTitle } from '../domain/attention';
import type { ConversationRecord } from '../domain/records';

/**
 * A new offer in the browser: a short beep (WebAudio, no asset) and, when the agent allowed it and is looking
 * elsewhere, a desktop notification that opens the conversation when clicked.
 */
export class BrowserOfferSignals implements OfferSignals {
  #audio: AudioContext | undefined;
  readonly #texts: () => { title: string; body: (name: string) => string };
  readonly #open: (conversationId: string) => void;

  constructor(texts: () => { title: string; body: (name: string) => string }, open: (id: string) => void) {
    this.#texts = texts;
    this.#open = open;
  }

  offered(record: ConversationRecord, visitorName: string): void {
    this.beep();
    this.#desktop(record.id, visitorName);
  }

  beep(): void {
    try {
      this.#audio ??= new AudioContext();
      const ctx = this.#audio;
      if (ctx.state === 'suspended') void ctx.resume();
      const t0 = ctx.currentTime;
      for (const [offset, freq] of [
        [0, 880],
        [0.16, 1320],
      ] as const) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t0 + offset);
        gain.gain.exponentialRampToValueAtTime(0.18, t0 + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + offset + 0.14);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t0 + offset);
        osc.stop(t0 + offset + 0.15);
      }
    } catch {
      // No audio (no device, autoplay policy): the title and the list still say it.
    }
  }

  #desktop(conversationId: string, visitorName: string): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (document.visibilityState === 'visible' && document.hasFocus()) return;
    try {
      const { title, body } = this.#texts();
      const n = new Notification(title, { body: body(visitorName), tag: `offer-${conversationId}` });
      n.onclick = () => {
        window.focus();
        this.#open(conversationId);
        n.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker.
    }
  }
}

/** Whether desktop notifications can still be asked for (the button shows only then). */
export function canAskNotificationPermission(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default';
}

/**
 * Blinks the tab title while `count` offers wait: `(1) New conversation` alternating with the page title, until
 * the window gains focus (the agent looked) or the offers are handled. A new offer starts it again.
 */
export function useTitleBlink(count: number, base: string, alert: string): void {
  const [tick, setTick] = useState(0);
  const [seen, setSeen] = useState(false);
  const previous = useRef(count);

  useEffect(() => {
    if (count > previous.current) setSeen(false);
    previous.current = count;
  }, [count]);

  useEffect(() => {
    const onFocus = (): void => {
      setSeen(true);
    };
    window.addEventListener('focus', onFocus);
    return () => {
      window.removeEventListener('focus', onFocus);
    };
  }, []);

  const blinking = count > 0 && !seen;
  useEffect(() => {
    if (!blinking) return undefined;
    const timer = setInterval(() => {
      setTick((n) => n + 1);
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, [blinking]);

  useEffect(() => {
    document.title = blinkTitle(base, alert, count, tick, blinking);
  }, [base, alert, count, tick, blinking]);
}
