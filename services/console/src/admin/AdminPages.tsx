import type { JSX, TargetedKeyboardEvent } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import './admin.css';
import { AdminApi } from './api';
import { AgentsPage } from './AgentsPage';
import { CannedRepliesPage } from './CannedRepliesPage';
import { AdminContext, LoadState, useLeaveGuard, useLoaded, type AdminEnv } from './components';
import { GroupsPage } from './GroupsPage';
import { HoursPage } from './HoursPage';
import { translator, type Lang, type MessageKey } from './i18n';
import { gatewayOrigin } from './snippet';
import type { Group, TenantSettings } from './types';
import { WidgetPage } from './WidgetPage';
import { TimeZoneList } from './WeeklyHours';

export type AdminTab = 'agents' | 'groups' | 'replies' | 'widget' | 'hours';

const TABS: readonly { readonly id: AdminTab; readonly label: MessageKey }[] = [
  { id: 'agents', label: 'tab_agents' },
  { id: 'groups', label: 'tab_groups' },
  { id: 'replies', label: 'tab_replies' },
  { id: 'widget', label: 'tab_widget' },
  { id: 'hours', label: 'tab_hours' },
];

/**
 * The admin area of the console: agents, groups, shared canned replies, widget and business hours, as tabs.
 * Every tab stays mounted while another is shown, so unsaved edits survive switching; a dot marks a tab
 * with unsaved changes. The shell renders this for admins only (the gateway enforces it anyway).
 */
export function AdminPages(props: { baseUrl: string; token: string; lang: 'en' | 'zh-CN' }): JSX.Element {
  const lang: Lang = props.lang;
  const api = useMemo(() => new AdminApi(props.baseUrl, props.token), [props.baseUrl, props.token]);
  const env = useMemo<AdminEnv>(() => ({ api, lang, t: translator(lang) }), [api, lang]);
  const { t } = env;
  const [tab, setTab] = useState<AdminTab>('agents');
  const [dirtyTabs, setDirtyTabs] = useState<ReadonlySet<AdminTab>>(new Set());
  // Several pages need the groups and the tenant's settings, so they are held here.
  const groups = useLoaded(() => api.listGroups(), [api]);
  const settings = useLoaded(() => api.getSettings(), [api]);

  const dirtySetters = useMemo(() => {
    const make = (id: AdminTab) => (dirty: boolean) => {
      setDirtyTabs((prev) => {
        if (prev.has(id) === dirty) return prev;
        const next = new Set(prev);
        if (dirty) next.add(id);
        else next.delete(id);
        return next;
      });
    };
    return {
      agents: make('agents'),
      groups: make('groups'),
      replies: make('replies'),
      widget: make('widget'),
      hours: make('hours'),
    } satisfies Record<AdminTab, (dirty: boolean) => void>;
  }, []);
  useLeaveGuard(dirtyTabs.size > 0);

  const gateway = gatewayOrigin(props.baseUrl, window.location.origin);
  const onTabKey = (e: TargetedKeyboardEvent<HTMLElement>) => {
    const i = TABS.findIndex((x) => x.id === tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = TABS[(i + step + TABS.length) % TABS.length];
    if (next !== undefined) {
      setTab(next.id);
      document.getElementById(`sb-admin-tab-${next.id}`)?.focus();
    }
  };

  const panel = (id: AdminTab, content: JSX.Element) => (
    <div
      key={id}
      id={`sb-admin-panel-${id}`}
      class="sb-admin-panel"
      role="tabpanel"
      aria-labelledby={`sb-admin-tab-${id}`}
      data-tab={id}
      hidden={tab !== id}
    >
      {content}
    </div>
  );
  const settingsPage = (render: (s: TenantSettings, g: readonly Group[]) => JSX.Element) =>
    settings.value === undefined || groups.value === undefined ? (
      <LoadState
        error={settings.error ?? groups.error}
        onRetry={() => {
          if (settings.value === undefined) settings.reload();
          if (groups.value === undefined) groups.reload();
        }}
      />
    ) : (
      render(settings.value, groups.value)
    );

  return (
    <AdminContext.Provider value={env}>
      <div class="sb-admin" lang={lang} data-testid="sb-admin">
        <header class="sb-admin-header">
          <h1 class="sb-admin-title">{t('admin_title')}</h1>
          <nav class="sb-admin-tabs" role="tablist" aria-label={t('admin_title')} onKeyDown={onTabKey}>
            {TABS.map((x) => (
              <button
                key={x.id}
                id={`sb-admin-tab-${x.id}`}
                type="button"
                role="tab"
                class={`sb-admin-tab${tab === x.id ? ' sb-admin-tab--active' : ''}`}
                aria-selected={tab === x.id}
                aria-controls={`sb-admin-panel-${x.id}`}
                tabIndex={tab === x.id ? 0 : -1}
                data-tab={x.id}
                onClick={() => {
                  setTab(x.id);
                }}
              >
                {t(x.label)}
                {dirtyTabs.has(x.id) ? (
                  <span
                    class="sb-admin-dirty-dot"
                    title={t('unsaved_changes')}
                    aria-label={t('unsaved_changes')}
                  />
                ) : null}
              </button>
            ))}
          </nav>
        </header>
        <TimeZoneList />
        {panel('agents', <AgentsPage groups={groups.value ?? []} onDirtyChange={dirtySetters.agents} />)}
        {panel(
          'groups',
          <GroupsPage
            groups={groups}
            tenantTimeZone={settings.value?.business_hours.time_zone ?? ''}
            defaultGroupId={settings.value?.default_group_id ?? ''}
            onDirtyChange={dirtySetters.groups}
          />,
        )}
        {panel('replies', <CannedRepliesPage onDirtyChange={dirtySetters.replies} />)}
        {panel(
          'widget',
          settingsPage((s) => (
            <WidgetPage
              settings={s}
              gatewayUrl={gateway}
              onSaved={settings.setValue}
              onDirtyChange={dirtySetters.widget}
            />
          )),
        )}
        {panel(
          'hours',
          settingsPage((s, g) => (
            <HoursPage
              settings={s}
              groups={g}
              onSaved={settings.setValue}
              onDirtyChange={dirtySetters.hours}
            />
          )),
        )}
      </div>
    </AdminContext.Provider>
  );
}
