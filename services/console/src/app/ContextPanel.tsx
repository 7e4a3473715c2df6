import type { ComponentChildren, JSX } from 'preact';
import type { ConsoleState } from '../console-store';
import { knownVisitorName } from '../domain/conversation-list';
import { dateTime, describeUserAgent, safeHttpUrl } from '../domain/format';
import { useI18n } from './context';

/** Who the visitor is and where they came from, the conversation's facts, its rating and earlier ones. */
export function ContextPanel(props: {
  state: ConsoleState;
  conversationId: string;
  onOpen: (conversationId: string) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const { state, conversationId: id } = props;
  const record = state.records[id];
  const detail = state.details[id];
  const none = t('context.none');
  if (record === undefined) {
    return (
      <aside class="context-panel" data-testid="context-panel">
        <p class="empty">{t('context.loading')}</p>
      </aside>
    );
  }
  const v = record.visitor;
  const fields = Object.entries(v?.fields ?? {});
  const pageHref = safeHttpUrl(v?.pageUrl ?? '');
  const referrerHref = safeHttpUrl(v?.referrer ?? '');
  const previous = detail?.status === 'ready' ? detail.previous : [];
  return (
    <aside class="context-panel" aria-label={t('context.title')} data-testid="context-panel">
      <Section title={t('context.visitor')}>
        <Row label={t('context.name')} testId="ctx-name">
          {knownVisitorName(record, state.visitorNames) || none}
        </Row>
        <Row label={t('context.email')} testId="ctx-email">
          {v?.email || none}
        </Row>
        <Row label={t('context.page')} testId="ctx-page">
          {pageHref !== undefined ? (
            <a href={pageHref} target="_blank" rel="noopener noreferrer nofollow" title={v?.pageUrl}>
              {v?.pageUrl}
            </a>
          ) : (
            v?.pageUrl || none
          )}
        </Row>
        <Row label={t('context.referrer')} testId="ctx-referrer">
          {referrerHref !== undefined ? (
            <a href={referrerHref} target="_blank" rel="noopener noreferrer nofollow" title={v?.referrer}>
              {v?.referrer}
            </a>
          ) : (
            v?.referrer || none
          )}
        </Row>
        <Row label={t('context.browser')} testId="ctx-browser" title={v?.userAgent}>
          {describeUserAgent(v?.userAgent ?? '') || none}
        </Row>
        <Row label={t('context.language')} testId="ctx-language">
          {v?.language || none}
        </Row>
      </Section>
      {fields.length > 0 && (
        <Section title={t('context.fields')}>
          {fields.map(([k, value]) => (
            <Row key={k} label={k}>
              {value}
            </Row>
          ))}
        </Section>
      )}
      <Section title={t('context.conversation')}>
        <Row label={t('context.id')}>
          <code>{record.id}</code>
        </Row>
        <Row label={t('context.state')}>{t(`state.${record.state}`)}</Row>
        <Row label={t('context.group')}>
          {state.groups?.find((g) => g.id === record.groupId)?.name ?? (record.groupId || none)}
        </Row>
        <Row label={t('context.channel')}>{record.channel || none}</Row>
        <Row label={t('context.agent')}>{record.agentName || record.agentId || none}</Row>
        <Row label={t('context.opened')}>
          {record.openedAtMs > 0 ? dateTime(record.openedAtMs, locale) : none}
        </Row>
        {record.closedAtMs > 0 && (
          <Row label={t('context.closedAt')}>{dateTime(record.closedAtMs, locale)}</Row>
        )}
      </Section>
      {record.csat !== undefined && (
        <Section title={t('context.csat')}>
          <div class="csat" data-testid="ctx-csat">
            <span class="stars" aria-label={t('context.csatScore', { score: record.csat.score })}>
              {'★'.repeat(record.csat.score)}
              <span class="stars-off">{'★'.repeat(Math.max(0, 5 - record.csat.score))}</span>
            </span>
            <span class="muted">{t('context.csatScore', { score: record.csat.score })}</span>
            {record.csat.comment !== '' && <p class="csat-comment">{record.csat.comment}</p>}
          </div>
        </Section>
      )}
      <Section title={t('context.previous')}>
        {detail === undefined || detail.status === 'loading' ? (
          <p class="muted">{t('context.loading')}</p>
        ) : detail.status === 'error' ? (
          <p class="error-text">{t('error.generic', { detail: detail.error })}</p>
        ) : previous.length === 0 ? (
          <p class="muted">{t('context.noPrevious')}</p>
        ) : (
          <ul class="previous-list" data-testid="previous-conversations">
            {previous.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  class="previous-item"
                  onClick={() => {
                    props.onOpen(p.id);
                  }}
                  data-testid="previous-conversation"
                >
                  <span>{dateTime(p.openedAtMs, locale)}</span>
                  <span class={`chip state-${p.state}`}>{t(`state.${p.state}`)}</span>
                  {p.csat !== undefined && <span class="muted">★ {p.csat.score}</span>}
                  {p.labels.length > 0 && <span class="muted">{p.labels.join(', ')}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </aside>
  );
}

function Section(props: { title: string; children: ComponentChildren }): JSX.Element {
  return (
    <section class="ctx-section">
      <h3>{props.title}</h3>
      <dl>{props.children}</dl>
    </section>
  );
}

function Row(props: {
  label: string;
  children: ComponentChildren;
  testId?: string;
  title?: string | undefined;
}): JSX.Element {
  return (
    <div class="ctx-row">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId} title={props.title}>
        {props.children}
      </dd>
    </div>
  );
}
