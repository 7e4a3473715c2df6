import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi, SearchHit } from '../api';
import { describe } from '../console-store';
import { highlight, listTime, snippet } from '../domain/format';
import type { ConversationRecord } from '../domain/records';
import { useI18n, useNow } from './context';
import { SearchIcon } from './icons';

const DEBOUNCE_MS = 300;
const MIN_CHARS = 2;

export interface SearchState {
  input: string;
  setInput: (text: string) => void;
  /** Runs the search now (Enter). */
  submit: () => void;
  clear: () => void;
  /** The query the results are for; '' when no search is shown. */
  query: string;
  hits: readonly SearchHit[];
  loading: boolean;
  error: string | undefined;
  /** How many searches have answered (tests wait on it). */
  completed: number;
}

/** History search over GET /v1/agent/search: debounced as the agent types, at once on Enter. */
export function useSearch(api: ConsoleApi): SearchState {
  const [input, setInputState] = useState('');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<readonly SearchHit[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [completed, setCompleted] = useState(0);
  const latest = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const run = (text: string): void => {
    clearTimeout(timer.current);
    const q = text.trim();
    if (q === '') {
      setQuery('');
      return;
    }
    const ticket = ++latest.current;
    setQuery(q);
    setLoading(true);
    setError(undefined);
    api.search(q, 50).then(
      (found) => {
        if (ticket !== latest.current) return;
        setHits(found);
        setLoading(false);
        setCompleted((n) => n + 1);
      },
      (err: unknown) => {
        if (ticket !== latest.current) return;
        setHits([]);
        setError(describe(err));
        setLoading(false);
        setCompleted((n) => n + 1);
      },
    );
  };

  useEffect(
    () => () => {
      clearTimeout(timer.current);
    },
    [],
  );

  return {
    input,
    setInput: (text) => {
      setInputState(text);
      clearTimeout(timer.current);
      if (text.trim() === '') {
        latest.current++;
        setQuery('');
        setHits([]);
        setLoading(false);
        return;
      }
      if (text.trim().length >= MIN_CHARS) {
        timer.current = setTimeout(() => {
          run(text);
        }, DEBOUNCE_MS);
      }
    },
    submit: () => {
      run(input);
    },
    clear: () => {
      clearTimeout(timer.current);
      latest.current++;
      setInputState('');
      setQuery('');
      setHits([]);
      setLoading(false);
      setError(undefined);
    },
    query,
    hits,
    loading,
    error,
    completed,
  };
}

export function SearchBox(props: { search: SearchState }): JSX.Element {
  const { t } = useI18n();
  const { search } = props;
  return (
    <form
      class="search-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        search.submit();
      }}
    >
      <span class="search-icon">
        <SearchIcon />
      </span>
      <input
        type="search"
        value={search.input}
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        onInput={(e) => {
          search.setInput(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') search.clear();
        }}
        data-testid="search-input"
      />
      {search.input !== '' && (
        <button type="button" class="icon-btn" aria-label={t('search.clear')} onClick={search.clear}>
          ×
        </button>
      )}
    </form>
  );
}

export function SearchResults(props: {
  search: SearchState;
  records: Readonly<Record<string, ConversationRecord>>;
  onOpen: (conversationId: string, seq: number) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const now = useNow(60_000);
  const { search } = props;
  return (
    <div
      class="list-wrap search-results"
      data-testid="search-results"
      data-loading={search.loading}
      data-completed={search.completed}
    >
      <p class="search-summary" role="status">
        {search.loading
          ? t('search.searching')
          : search.error !== undefined
            ? t('error.generic', { detail: search.error })
            : search.hits.length === 0
              ? t('search.none', { q: search.query })
              : search.hits.length === 1
                ? t('search.oneResult', { q: search.query })
                : t('search.results', { count: search.hits.length, q: search.query })}
      </p>
      <ul class="hit-list">
        {search.hits.map((hit) => (
          <li key={`${hit.conversationId}-${hit.seq}`}>
            <button
              type="button"
              class={`hit${hit.note ? ' note' : ''}`}
              onClick={() => {
                props.onOpen(hit.conversationId, hit.seq);
              }}
              data-testid="search-hit"
              data-conversation-id={hit.conversationId}
              data-seq={hit.seq}
            >
              <span class="hit-top">
                <span class="hit-sender">
                  {hit.senderName || t(`sender.${hit.senderRole}`)}
                  {hit.note && <span class="chip note-chip">{t('search.note')}</span>}
                </span>
                <span class="conv-time">{listTime(hit.sentAtMs, now, locale)}</span>
              </span>
              <span class="hit-text">
                {highlight(snippet(hit.text, search.query), search.query).map((seg, i) =>
                  seg.match ? <mark key={i}>{seg.text}</mark> : <span key={i}>{seg.text}</span>,
                )}
              </span>
              {props.records[hit.conversationId] !== undefined && (
                <span class="hit-conv">
                  {t(`state.${props.records[hit.conversationId]?.state ?? 'closed'}`)} · #
                  {hit.conversationId.slice(-6)}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
