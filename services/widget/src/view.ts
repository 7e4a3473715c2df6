import { MAX_TEXT_CHARS } from '@switchboard/client';
import { append, el, icon, replaceChildren, setText } from './dom';
import { formatTime, isoTime, linkify } from './format';
import type { Translate } from './i18n';
import { fieldLabel, textColorOn, type PreChatField, type WidgetConfig } from './options';
import { fieldMaxLength, validateAnswers } from './profile';
import { STYLES } from './styles';
import type { ThreadItem, ThreadMessage } from './thread';

/** What the visitor does in the view; the widget controller decides what it means. */
export interface ViewHandlers {
  toggle(): void;
  close(): void;
  /** Returns false when the text was refused (the composer keeps it). */
  send(text: string): boolean;
  input(text: string): void;
  retryMessage(clientMsgId: string): void;
  retryConnection(): void;
  submitPrechat(answers: Record<string, string>): void;
  submitOffline(answers: { name: string; email: string; message: string }): void;
  rate(score: number, comment: string): void;
  newConversation(): void;
  loadEarlier(): void;
}

/** What the panel shows below the header. */
export type Screen = 'prechat' | 'starting' | 'chat' | 'error';
export type Banner = 'none' | 'reconnecting' | 'lost';
export type CsatState = 'hidden' | 'ask' | 'sending' | 'thanks' | 'error';

interface Rendered {
  node: HTMLElement;
  version: number;
  read: boolean;
  named: boolean;
}

/**
 * The widget's DOM, in an open shadow root on a host element of its own. Stable hooks for tests and site
 * scripts: `data-sb="…"` on every part (launcher, badge, panel, messages, message, text, composer, input,
 * send, banner, typing, queue, idle, prechat, offline, closed, csat, …).
 */
export class View {
  readonly host: HTMLElement;
  readonly #t: Translate;
  readonly #config: WidgetConfig;
  readonly #handlers: ViewHandlers;
  readonly #root: HTMLDivElement;
  readonly #launcher: HTMLButtonElement;
  readonly #badge: HTMLSpanElement;
  readonly #panel: HTMLDivElement;
  readonly #subtitle: HTMLParagraphElement;
  readonly #banner: HTMLDivElement;
  readonly #body: HTMLDivElement;
  readonly #welcome: HTMLDivElement;
  readonly #prechat: HTMLFormElement;
  readonly #error: HTMLDivElement;
  readonly #more: HTMLButtonElement;
  readonly #messages: HTMLDivElement;
  readonly #typing: HTMLDivElement;
  readonly #queue: HTMLDivElement;
  readonly #idle: HTMLDivElement;
  readonly #offline: HTMLDivElement;
  readonly #closed: HTMLDivElement;
  readonly #composer: HTMLFormElement;
  readonly #input: HTMLTextAreaElement;
  readonly #rendered = new Map<string, Rendered>();
  #screen: Screen = 'starting';
  #unread = 0;
  #offlineMode: 'hidden' | 'form' | 'sent' = 'hidden';
  /** What the offline and closed cards show now: they are rebuilt only when it changes (typing is kept). */
  #offlineShown = '';
  #closedShown = '';

  constructor(config: WidgetConfig, t: Translate, handlers: ViewHandlers) {
    this.#config = config;
    this.#t = t;
    this.#handlers = handlers;
    this.host = document.createElement('switchboard-widget');
    this.host.setAttribute('style', 'all: initial');
    const shadow = this.host.attachShadow({ mode: 'open' });
    shadow.appendChild(el('style', {}, STYLES));

    this.#badge = el('span', { class: 'sb-badge', 'data-sb': 'badge', 'aria-hidden': 'true', hidden: true });
    this.#launcher = el(
      'button',
      {
        type: 'button',
        class: 'sb-launcher',
        'data-sb': 'launcher',
        'aria-label': t('launcher.open'),
        'aria-expanded': 'false',
        'aria-controls': 'sb-panel',
      },
      icon('chat'),
      icon('close'),
      this.#badge,
    );
    this.#launcher.addEventListener('click', () => {
      handlers.toggle();
    });

    const closeButton = el(
      'button',
      { type: 'button', class: 'sb-icon-button', 'data-sb': 'close', 'aria-label': t('panel.close') },
      icon('close'),
    );
    closeButton.addEventListener('click', () => {
      handlers.close();
    });
    this.#subtitle = el('p', { class: 'sb-subtitle', 'data-sb': 'subtitle', 'aria-live': 'polite' });
    const header = el(
      'div',
      { class: 'sb-header' },
      el(
        'div',
        { class: 'sb-header-text' },
        el('h2', { class: 'sb-title', id: 'sb-title', 'data-sb': 'title' }, config.title),
        this.#subtitle,
      ),
      closeButton,
    );
    this.#banner = el('div', { class: 'sb-banner', 'data-sb': 'banner', role: 'status', hidden: true });

    this.#welcome = el(
      'div',
      { class: 'sb-row sb-welcome', 'data-sb': 'welcome', hidden: config.welcomeMessage === '' },
      el('div', { class: 'sb-bubble' }, config.welcomeMessage),
    );
    this.#prechat = this.#buildPrechat(config.preChatFields);
    this.#error = el('div', { class: 'sb-card', 'data-sb': 'error', role: 'alert', hidden: true });
    this.#more = el(
      'button',
      { type: 'button', class: 'sb-link-button sb-more', 'data-sb': 'load-earlier', hidden: true },
      t('history.more'),
    );
    this.#more.addEventListener('click', () => {
      handlers.loadEarlier();
    });
    this.#messages = el('div', {
      class: 'sb-messages',
      'data-sb': 'messages',
      role: 'log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
    });
    this.#typing = el('div', { class: 'sb-status sb-typing', 'data-sb': 'typing', hidden: true });
    this.#queue = el('div', { class: 'sb-status', 'data-sb': 'queue', role: 'status', hidden: true });
    this.#idle = el('div', { class: 'sb-idle', 'data-sb': 'idle', role: 'alert', hidden: true });
    this.#offline = el('div', { class: 'sb-card', 'data-sb': 'offline', hidden: true });
    this.#closed = el('div', { class: 'sb-card', 'data-sb': 'closed', hidden: true });
    this.#body = el(
      'div',
      { class: 'sb-body', 'data-sb': 'body' },
      this.#welcome,
      this.#prechat,
      this.#error,
      this.#more,
      this.#messages,
      this.#typing,
      this.#queue,
      this.#idle,
      this.#offline,
      this.#closed,
    );

    this.#input = el('textarea', {
      class: 'sb-input',
      'data-sb': 'input',
      rows: 1,
      maxlength: MAX_TEXT_CHARS,
      placeholder: t('composer.placeholder'),
      'aria-label': t('composer.label'),
    });
    this.#composer = el(
      'form',
      { class: 'sb-composer', 'data-sb': 'composer' },
      this.#input,
      el(
        'button',
        { type: 'submit', class: 'sb-send', 'data-sb': 'send', 'aria-label': t('composer.send') },
        icon('send'),
      ),
    );
    this.#wireComposer();

    this.#panel = el(
      'div',
      {
        class: 'sb-panel',
        id: 'sb-panel',
        'data-sb': 'panel',
        role: 'dialog',
        'aria-labelledby': 'sb-title',
        hidden: true,
      },
      header,
      this.#banner,
      this.#body,
      this.#composer,
    );
    this.#panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        handlers.close();
      }
    });

    this.#root = el(
      'div',
      {
        class: `sb-root sb-${config.position}`,
        'data-sb': 'root',
        'data-position': config.position,
        lang: config.lang,
      },
      this.#launcher,
      this.#panel,
    );
    this.#root.style.setProperty('--sb-color', config.color);
    this.#root.style.setProperty('--sb-on-color', textColorOn(config.color));
    shadow.appendChild(this.#root);
  }

  /** Focus is somewhere in the widget. */
  hasFocus(): boolean {
    return (this.host.shadowRoot?.activeElement ?? null) !== null;
  }

  get isOpen(): boolean {
    return !this.#panel.hidden;
  }

  setOpen(open: boolean, moveFocus: boolean): void {
    const focusWasInside = this.hasFocus();
    this.#panel.hidden = !open;
    this.#root.classList.toggle('sb-open', open);
    this.#launcher.setAttribute('aria-expanded', String(open));
    this.#labelLauncher();
    if (open) {
      this.scrollToEnd();
      if (moveFocus) this.focusMain();
    } else if (moveFocus && focusWasInside) {
      this.#launcher.focus();
    }
  }

  /** Focuses what the visitor most likely wants next: the first form field, else the composer. */
  focusMain(): void {
    if (!this.isOpen) return;
    const candidates: (HTMLElement | null)[] = [
      this.#screen === 'prechat' ? this.#prechat.querySelector<HTMLElement>('input, textarea') : null,
      this.#screen === 'error' ? this.#error.querySelector('button') : null,
      this.#offline.hidden ? null : this.#offline.querySelector<HTMLElement>('input, textarea, button'),
      this.#closed.hidden ? null : this.#closed.querySelector<HTMLElement>('button'),
      this.#composer.hidden ? null : this.#input,
    ];
    candidates.find((c) => c !== null)?.focus();
  }

  setScreen(screen: Screen): void {
    this.#screen = screen;
    this.#prechat.hidden = screen !== 'prechat';
    this.#error.hidden = screen !== 'error';
    this.#messages.hidden = screen === 'prechat' || screen === 'error';
    if (screen !== 'chat') {
      for (const part of [this.#typing, this.#queue, this.#idle, this.#offline, this.#closed, this.#more])
        part.hidden = true;
    }
    this.#root.dataset['screen'] = screen;
    this.#updateComposer();
  }

  /** The composer shows in the chat, except while the leave-a-message form or the closed card is up. */
  #updateComposer(): void {
    this.#composer.hidden = this.#screen !== 'chat' || this.#offlineMode === 'form' || !this.#closed.hidden;
  }

  setBadge(count: number): void {
    this.#unread = count;
    this.#badge.hidden = count <= 0;
    setText(this.#badge, count > 99 ? '99+' : String(count));
    this.#labelLauncher();
  }

  #labelLauncher(): void {
    const label = this.isOpen
      ? this.#t('panel.close')
      : this.#unread > 0
        ? this.#t('launcher.unread', { count: this.#unread })
        : this.#t('launcher.open');
    this.#launcher.setAttribute('aria-label', label);
  }

  get unread(): number {
    return this.#unread;
  }

  setSubtitle(text: string): void {
    setText(this.#subtitle, text);
  }

  setBanner(banner: Banner): void {
    // Unchanged: leave the live region alone, so screen readers do not announce it again.
    if (this.#root.dataset['connection'] === banner) return;
    this.#banner.hidden = banner === 'none';
    this.#banner.classList.toggle('sb-lost', banner === 'lost');
    this.#root.dataset['connection'] = banner;
    if (banner === 'reconnecting') {
      replaceChildren(this.#banner, this.#t('banner.reconnecting'));
    } else if (banner === 'lost') {
      const retry = el('button', { type: 'button', class: 'sb-link-button' }, this.#t('banner.retry'));
      retry.addEventListener('click', () => {
        this.#handlers.retryConnection();
      });
      replaceChildren(this.#banner, this.#t('banner.lost'), retry);
    }
  }

  showError(text: string): void {
    const retry = el('button', { type: 'button', class: 'sb-primary' }, this.#t('error.retry'));
    retry.addEventListener('click', () => {
      this.#handlers.retryConnection();
    });
    replaceChildren(this.#error, el('p', {}, text), retry);
    this.setScreen('error');
  }

  setLoadEarlier(visible: boolean): void {
    this.#more.hidden = !visible;
  }

  /** Re-renders what changed in the thread, keeps the DOM in the items' order, and follows new messages. */
  renderThread(items: readonly ThreadItem[], readKey: string | undefined, follow: boolean): void {
    const stick = follow || this.#atEnd();
    const list = this.#messages;
    const seen = new Set<string>();
    const now = Date.now();
    let cursor: ChildNode | null = list.firstChild;
    let previous: ThreadItem | undefined;
    for (const item of items) {
      seen.add(item.key);
      const read = item.key === readKey;
      // The sender's name heads a run of their messages, not every one.
      const named = item.kind === 'message' && !item.own && !sameSender(previous, item);
      previous = item;
      let rec = this.#rendered.get(item.key);
      if (rec === undefined || rec.version !== item.version || rec.read !== read || rec.named !== named) {
        const node = this.#renderItem(item, read, named, now);
        if (rec !== undefined) {
          if (cursor === rec.node) cursor = node;
          rec.node.replaceWith(node);
        }
        rec = { node, version: item.version, read, named };
        this.#rendered.set(item.key, rec);
      }
      if (rec.node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(rec.node, cursor);
    }
    for (const [key, rec] of this.#rendered) {
      if (seen.has(key)) continue;
      rec.node.remove();
      this.#rendered.delete(key);
    }
    if (stick) this.scrollToEnd();
  }

  setTyping(text: string): void {
    this.#setLine(this.#typing, text);
  }

  setQueue(text: string): void {
    this.#setLine(this.#queue, text);
  }

  setIdle(text: string): void {
    this.#setLine(this.#idle, text);
  }

  /** The leave-a-message form (`form`), its confirmation (`sent`), or nothing. */
  showOffline(
    mode: 'hidden' | 'form' | 'sent',
    title: string,
    body: string,
    prefill: Record<string, string>,
  ): void {
    const card = this.#offline;
    const shown = JSON.stringify([mode, title, body]);
    card.hidden = mode === 'hidden' || this.#screen !== 'chat';
    this.#offlineMode = mode;
    card.dataset['mode'] = mode;
    this.#updateComposer();
    if (mode === 'hidden' || shown === this.#offlineShown) return;
    this.#offlineShown = shown;
    if (mode === 'sent') {
      replaceChildren(card, el('p', { 'data-sb': 'offline-sent', role: 'status' }, this.#t('offline.sent')));
      this.scrollToEnd();
      return;
    }
    const fields = [
      { key: 'name', required: false, label: this.#t('offline.name'), multiline: false },
      { key: 'email', required: false, label: this.#t('offline.email'), multiline: false },
      { key: 'message', required: true, label: this.#t('offline.message'), multiline: true },
    ];
    const form = el('form', { 'data-sb': 'offline-form', novalidate: true, class: 'sb-card-form' });
    const inputs = fields.map((f) =>
      this.#field('sb-off', f.key, f.label, f.required, f.multiline, prefill[f.key] ?? ''),
    );
    append(
      form,
      el('h3', { class: 'sb-card-title' }, title),
      el('p', {}, body),
      ...inputs.map((i) => i.wrapper),
      el(
        'button',
        { type: 'submit', class: 'sb-primary', 'data-sb': 'offline-submit' },
        this.#t('offline.submit'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const answers = Object.fromEntries(inputs.map((i) => [i.key, i.input.value]));
      if (!this.#showErrors(inputs, validateAnswers(fields, answers))) return;
      this.#handlers.submitOffline({
        name: answers['name'] ?? '',
        email: answers['email'] ?? '',
        message: answers['message'] ?? '',
      });
    });
    replaceChildren(card, form);
    this.scrollToEnd();
  }

  /** The conversation ended: the notice, the rating form in its state, and "start a new conversation". */
  showClosed(closed: boolean, csat: CsatState): void {
    const card = this.#closed;
    card.hidden = !closed || this.#screen !== 'chat';
    this.#updateComposer();
    const shown = closed ? csat : '';
    if (shown === this.#closedShown) return;
    this.#closedShown = shown;
    if (!closed) return;
    const again = el(
      'button',
      { type: 'button', class: 'sb-secondary', 'data-sb': 'new-conversation' },
      this.#t('closed.new'),
    );
    again.addEventListener('click', () => {
      this.#handlers.newConversation();
    });
    replaceChildren(
      card,
      el('p', { 'data-sb': 'closed-notice' }, this.#t('closed.notice')),
      this.#csat(csat),
      again,
    );
    this.scrollToEnd();
  }

  scrollToEnd(): void {
    this.#body.scrollTop = this.#body.scrollHeight;
  }

  #atEnd(): boolean {
    const b = this.#body;
    return b.scrollHeight - b.scrollTop - b.clientHeight < 48;
  }

  #setLine(node: HTMLElement, text: string): void {
    const stick = this.#atEnd();
    node.hidden = text === '' || this.#screen !== 'chat';
    setText(node, text);
    if (stick) this.scrollToEnd();
  }

  #csat(state: CsatState): Node | null {
    if (state === 'hidden') return null;
    if (state === 'thanks')
      return el('p', { 'data-sb': 'csat-thanks', role: 'status' }, this.#t('csat.thanks'));
    let score = 0;
    const stars = [1, 2, 3, 4, 5].map((n) => {
      const star = el(
        'button',
        {
          type: 'button',
          class: 'sb-star',
          'data-sb': 'csat-star',
          'data-score': n,
          'aria-label': this.#t('csat.star', { score: n }),
          'aria-pressed': 'false',
        },
        icon('star'),
      );
      star.addEventListener('click', () => {
        score = n;
        for (const [i, s] of stars.entries()) {
          s.classList.toggle('sb-on', i < n);
          s.setAttribute('aria-pressed', String(i + 1 === n));
        }
        setText(hint, '');
      });
      return star;
    });
    const comment = el('textarea', {
      class: 'sb-input',
      'data-sb': 'csat-comment',
      maxlength: 1000,
      'aria-label': this.#t('csat.comment'),
      placeholder: this.#t('csat.comment'),
    });
    const hint = el(
      'p',
      { class: 'sb-error', 'data-sb': 'csat-error', role: 'alert' },
      state === 'error' ? this.#t('csat.error') : '',
    );
    const submit = el(
      'button',
      { type: 'submit', class: 'sb-primary', 'data-sb': 'csat-submit', disabled: state === 'sending' },
      this.#t('csat.submit'),
    );
    const form = el(
      'form',
      { 'data-sb': 'csat', class: 'sb-card-form', 'aria-label': this.#t('csat.question') },
      el('p', { class: 'sb-card-title' }, this.#t('csat.question')),
      el('div', { class: 'sb-stars', role: 'group', 'aria-label': this.#t('csat.question') }, ...stars),
      comment,
      hint,
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (score === 0) {
        setText(hint, this.#t('csat.choose'));
        return;
      }
      this.#handlers.rate(score, comment.value.trim());
    });
    return form;
  }

  #buildPrechat(fields: readonly PreChatField[]): HTMLFormElement {
    const inputs = fields.map((f) =>
      this.#field('sb-pre', f.key, fieldLabel(f, this.#config.lang), f.required, false, ''),
    );
    const form = el(
      'form',
      { class: 'sb-card', 'data-sb': 'prechat', novalidate: true, hidden: true },
      el('p', {}, this.#t('prechat.intro')),
      ...inputs.map((i) => i.wrapper),
      el(
        'button',
        { type: 'submit', class: 'sb-primary', 'data-sb': 'prechat-submit' },
        this.#t('prechat.submit'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const answers = Object.fromEntries(inputs.map((i) => [i.key, i.input.value.trim()]));
      if (!this.#showErrors(inputs, validateAnswers(fields, answers))) return;
      this.#handlers.submitPrechat(answers);
    });
    return form;
  }

  /** One labelled form field with its (hidden) error line. */
  #field(
    prefix: string,
    key: string,
    label: string,
    required: boolean,
    multiline: boolean,
    value: string,
  ): {
    key: string;
    wrapper: HTMLElement;
    input: HTMLInputElement | HTMLTextAreaElement;
    error: HTMLElement;
  } {
    const id = `${prefix}-${key.replace(/[^A-Za-z0-9_-]/g, '')}`;
    const common = {
      id,
      name: key,
      class: 'sb-input',
      'data-sb': `field-${key}`,
      'aria-required': required ? 'true' : undefined,
      'aria-describedby': `${id}-error`,
      maxlength: multiline ? MAX_TEXT_CHARS : fieldMaxLength(key),
    };
    const input = multiline
      ? el('textarea', common)
      : el('input', {
          ...common,
          type: key === 'email' ? 'email' : 'text',
          autocomplete: key === 'name' ? 'name' : key === 'email' ? 'email' : 'off',
        });
    input.value = value;
    const error = el('div', { class: 'sb-error', id: `${id}-error`, 'data-sb': 'field-error', hidden: true });
    const wrapper = el(
      'div',
      { class: 'sb-field' },
      el(
        'label',
        { class: 'sb-label', for: id },
        label,
        required ? el('span', { class: 'sb-req', 'aria-hidden': 'true' }, '*') : null,
      ),
      input,
      error,
    );
    return { key, wrapper, input, error };
  }

  /** Shows each field's error (or none); focuses the first bad one. True when there is none. */
  #showErrors(
    inputs: readonly { key: string; input: HTMLElement; error: HTMLElement }[],
    errors: ReadonlyMap<string, Parameters<Translate>[0]>,
  ): boolean {
    let first: HTMLElement | undefined;
    for (const { key, input, error } of inputs) {
      const problem = errors.get(key);
      error.hidden = problem === undefined;
      setText(error, problem === undefined ? '' : this.#t(problem));
      if (problem === undefined) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      if (problem !== undefined) first ??= input;
    }
    first?.focus();
    return first === undefined;
  }

  #wireComposer(): void {
    const input = this.#input;
    const resize = (): void => {
      input.style.height = 'auto';
      input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
    };
    const submit = (): void => {
      if (input.value.trim() === '') return;
      if (!this.#handlers.send(input.value)) return;
      input.value = '';
      resize();
      this.#handlers.input('');
    };
    this.#composer.addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
      input.focus();
    });
    // Enter that confirms an IME composition (Chinese input) must not send; Safari reports that Enter just
    // after compositionend, so the flag is cleared a task later.
    let composing = false;
    input.addEventListener('compositionstart', () => {
      composing = true;
    });
    input.addEventListener('compositionend', () => {
      setTimeout(() => {
        composing = false;
      }, 0);
    });
    input.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter is a new line.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || composing) return;
      event.preventDefault();
      submit();
    });
    input.addEventListener('input', () => {
      resize();
      this.#handlers.input(input.value);
    });
  }

  #renderItem(item: ThreadItem, read: boolean, named: boolean, now: number): HTMLElement {
    if (item.kind === 'notice') {
      return el('div', { class: 'sb-notice', 'data-sb': 'notice', 'data-key': item.key }, item.text);
    }
    return this.#renderMessage(item, read, named, now);
  }

  #renderMessage(m: ThreadMessage, read: boolean, named: boolean, now: number): HTMLElement {
    const text = el('div', { class: 'sb-bubble', 'data-sb': 'text' });
    for (const segment of linkify(m.text)) {
      append(
        text,
        'href' in segment
          ? el(
              'a',
              { href: segment.href, target: '_blank', rel: 'noopener noreferrer nofollow' },
              segment.text,
            )
          : segment.text,
      );
    }
    const meta = el('div', { class: 'sb-meta' });
    if (m.status === 'pending')
      append(meta, el('span', { 'data-sb': 'sending' }, this.#t('message.sending')));
    else append(meta, el('time', { datetime: isoTime(m.atMs) }, formatTime(m.atMs, now, this.#config.lang)));
    if (m.status === 'failed') {
      const retry = el(
        'button',
        { type: 'button', class: 'sb-link-button', 'data-sb': 'retry' },
        this.#t('message.retry'),
      );
      retry.addEventListener('click', () => {
        this.#handlers.retryMessage(m.clientMsgId);
      });
      append(meta, el('span', { 'data-sb': 'failed' }, this.#t('message.failed')), retry);
    }
    if (read) append(meta, el('span', { 'data-sb': 'read' }, this.#t('message.read')));
    const name =
      !named || m.role === 'system'
        ? null
        : el(
            'div',
            { class: 'sb-name', 'data-sb': 'sender' },
            m.name || this.#t(m.role === 'bot' ? 'bot.fallback' : 'agent.fallback'),
          );
    return el(
      'div',
      {
        class: `sb-row ${m.own ? 'sb-own' : 'sb-other'} sb-${m.status}`,
        'data-sb': 'message',
        'data-key': m.key,
        'data-seq': m.seq,
        'data-own': String(m.own),
        'data-role': m.role,
        'data-status': m.status,
      },
      name,
      text,
      meta,
    );
  }
}

function sameSender(a: ThreadItem | undefined, b: ThreadMessage): boolean {
  return a?.kind === 'message' && !a.own && a.role === b.role && a.name === b.name;
}
