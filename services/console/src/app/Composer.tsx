import { type CannedReplyVariables, MAX_TEXT_CHARS, renderCannedReply } from '@switchboard/client';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type CannedReplyView, insertReply, matchReplies, slashToken } from '../domain/canned';
import { useI18n } from './context';

/** Unsent text per conversation, so switching conversations keeps a half-written reply. */
const drafts = new Map<string, string>();

/**
 * Reply or private note. Typing `/` opens the canned replies, filtered as the agent types; Enter or Tab
 * inserts the chosen one with its variables filled. Enter sends, Shift+Enter breaks the line.
 */
export function Composer(props: {
  conversationId: string;
  canReply: boolean;
  variables: CannedReplyVariables;
  replies: readonly CannedReplyView[];
  onSend: (text: string, note: boolean) => void;
  onTyping: (typing: boolean) => void;
  onPickerOpen: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const [chosenMode, setMode] = useState<'reply' | 'note'>('reply');
  const mode = props.canReply ? chosenMode : 'note';
  const [text, setText] = useState(() => drafts.get(props.conversationId) ?? '');
  const [caret, setCaret] = useState(text.length);
  const [index, setIndex] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | undefined>(undefined);
  const area = useRef<HTMLTextAreaElement>(null);
  const pendingCaret = useRef<number | undefined>(undefined);
  const composing = useRef(false);

  const token = slashToken(text, caret);
  const pickerOpen = token !== undefined && token.start !== dismissedAt;
  const matches = pickerOpen ? matchReplies(props.replies, token) : [];
  const selected = matches[Math.min(index, Math.max(0, matches.length - 1))];

  const tokenStart = token?.start;
  useEffect(() => {
    // A dismissed picker stays closed for that `/` only.
    if (tokenStart === undefined) setDismissedAt(undefined);
  }, [tokenStart]);

  const { onPickerOpen } = props;
  useEffect(() => {
    if (pickerOpen) onPickerOpen();
  }, [pickerOpen, onPickerOpen]);

  useEffect(() => {
    area.current?.focus();
  }, [props.conversationId]);

  useEffect(() => {
    const el = area.current;
    if (el === null) return;
    // Grow with the text up to the CSS max-height.
    el.style.height = 'auto';
    el.style.height = `${String(el.scrollHeight)}px`;
    if (pendingCaret.current !== undefined) {
      el.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = undefined;
    }
  }, [text]);

  const update = (next: string, nextCaret: number): void => {
    setText(next);
    setCaret(nextCaret);
    if (next === '') drafts.delete(props.conversationId);
    else drafts.set(props.conversationId, next);
    if (mode === 'reply') props.onTyping(next.trim() !== '');
  };

  const insert = (reply: CannedReplyView): void => {
    if (token === undefined) return;
    const rendered = renderCannedReply(reply.text, props.variables);
    const result = insertReply(text, token, rendered);
    pendingCaret.current = result.caret;
    setIndex(0);
    update(result.text, result.caret);
    area.current?.focus();
  };

  const submit = (): void => {
    // The element's value, not the last render's: a key may arrive before the re-render.
    const body = (area.current?.value ?? text).trim();
    if (body === '') return;
    props.onSend(body, mode === 'note');
    update('', 0);
    props.onTyping(false);
    setDismissedAt(undefined);
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    // An IME (Chinese, Japanese input) uses Enter to commit its own candidate.
    if (e.isComposing || composing.current) return;
    if (pickerOpen) {
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissedAt(token.start);
        return;
      }
      if (matches.length > 0) {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const step = e.key === 'ArrowDown' ? 1 : -1;
          setIndex((i) => (Math.min(i, matches.length - 1) + step + matches.length) % matches.length);
          return;
        }
        if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
          e.preventDefault();
          if (selected !== undefined) insert(selected);
          return;
        }
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  };

  const syncCaret = (): void => {
    const el = area.current;
    if (el !== null) setCaret(el.selectionStart);
  };

  return (
    <div class={`composer${mode === 'note' ? ' note-mode' : ''}`} data-testid="composer" data-mode={mode}>
      {pickerOpen && (
        <div class="canned-picker" role="listbox" aria-label={t('canned.title')} data-testid="canned-picker">
          <div class="picker-head">
            <span>{t('canned.title')}</span>
            <span class="muted">{t('canned.hint')}</span>
          </div>
          {matches.length === 0 ? (
            <p class="muted picker-empty">{t('canned.none', { query: token.query })}</p>
          ) : (
            <ul>
              {matches.map((reply, i) => (
                <li
                  key={reply.id}
                  role="option"
                  aria-selected={reply === selected}
                  class={reply === selected ? 'active' : ''}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    insert(reply);
                  }}
                  onMouseEnter={() => {
                    setIndex(i);
                  }}
                  data-testid="canned-option"
                  data-shortcut={reply.shortcut}
                >
                  <span class="shortcut">/{reply.shortcut}</span>
                  {reply.shared && <span class="chip">{t('canned.shared')}</span>}
                  <span class="canned-text">{renderCannedReply(reply.text, props.variables)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div class="composer-modes" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'reply'}
          class={`mode${mode === 'reply' ? ' active' : ''}`}
          disabled={!props.canReply}
          onClick={() => {
            setMode('reply');
            area.current?.focus();
          }}
          data-testid="mode-reply"
        >
          {t('composer.reply')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'note'}
          class={`mode note${mode === 'note' ? ' active' : ''}`}
          onClick={() => {
            setMode('note');
            props.onTyping(false);
            area.current?.focus();
          }}
          data-testid="mode-note"
        >
          {t('composer.note')}
        </button>
        <span class="composer-hint muted">{t('composer.hint')}</span>
      </div>
      <div class="composer-row">
        <textarea
          ref={area}
          rows={2}
          value={text}
          maxLength={MAX_TEXT_CHARS}
          aria-label={t('composer.label')}
          placeholder={mode === 'note' ? t('composer.notePlaceholder') : t('composer.placeholder')}
          onInput={(e) => {
            const el = e.currentTarget;
            update(el.value, el.selectionStart);
          }}
          onKeyDown={onKeyDown}
          onCompositionStart={() => {
            composing.current = true;
          }}
          onCompositionEnd={() => {
            composing.current = false;
          }}
          onKeyUp={syncCaret}
          onClick={syncCaret}
          onBlur={() => {
            props.onTyping(false);
          }}
          data-testid="composer-input"
        />
        <button
          type="button"
          class={`btn ${mode === 'note' ? 'note-btn' : 'primary'}`}
          disabled={text.trim() === ''}
          onClick={submit}
          data-testid="composer-send"
        >
          {mode === 'note' ? t('composer.addNote') : t('composer.send')}
        </button>
      </div>
    </div>
  );
}
